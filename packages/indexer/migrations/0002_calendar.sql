-- The chain's calendar (the insights module's): where days and months begin, or a development
-- network's fast calendar. Reports group by it, so a month in a report is the month 带数 closes.
CREATE TABLE chain_calendar (
  id smallint PRIMARY KEY CHECK (id = 1),
  utc_offset_minutes integer NOT NULL,
  dev_month_ms bigint,
  dev_epoch bigint
);
