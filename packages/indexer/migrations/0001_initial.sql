-- The index's tables: what a node's blocks say, and the commerce entities read from its state.
-- One dialect for the embedded PostgreSQL (PGlite) and a PostgreSQL server. Times are unix ms (bigint),
-- amounts minor units (bigint); ids are the chain's own. Rows of block H are written in the same SQL
-- transaction as the cursor moving to H (index_cursor), so the tables are always those of one height.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Where the index stands: the last height whose rows are written, and the chain it follows.
CREATE TABLE index_cursor (
  id smallint PRIMARY KEY CHECK (id = 1),
  chain_id text NOT NULL,
  height bigint NOT NULL,
  block_hash text NOT NULL
);

-- The validator sets the index verified commit certificates against: set `validators` signs blocks from
-- `from_height` on, until the next row.
CREATE TABLE validator_sets (
  from_height bigint PRIMARY KEY,
  validators jsonb NOT NULL
);

CREATE TABLE blocks (
  height bigint PRIMARY KEY,
  hash text NOT NULL UNIQUE,
  time_ms bigint NOT NULL,
  proposer text NOT NULL,
  tx_count integer NOT NULL,
  state_root text NOT NULL,
  signatures integer NOT NULL
);
CREATE INDEX blocks_time ON blocks (time_ms);

-- One row per transaction: who (address and organisation), what (module, command, params), how it ended.
CREATE TABLE txs (
  id text PRIMARY KEY,
  height bigint NOT NULL,
  idx integer NOT NULL,
  time_ms bigint NOT NULL,
  module text NOT NULL,
  command text NOT NULL,
  submitter text NOT NULL,
  org text,
  actors text[] NOT NULL,
  nonce bigint NOT NULL,
  code text NOT NULL,
  message text NOT NULL,
  gas_used bigint NOT NULL,
  params jsonb NOT NULL,
  memo text,
  UNIQUE (height, idx)
);
CREATE INDEX txs_org ON txs (org, height DESC, idx DESC);
CREATE INDEX txs_module ON txs (module, command, height DESC, idx DESC);
CREATE INDEX txs_time ON txs (time_ms);

-- Events of transactions (tx_idx ≥ 0) and of the block's hooks (tx_idx = -1).
CREATE TABLE events (
  height bigint NOT NULL,
  tx_idx integer NOT NULL,
  idx integer NOT NULL,
  module text NOT NULL,
  name text NOT NULL,
  topics text[] NOT NULL,
  data jsonb NOT NULL,
  PRIMARY KEY (height, tx_idx, idx)
);
CREATE INDEX events_name ON events (module, name, height DESC);
CREATE INDEX events_topics ON events USING gin (topics);

-- Member identities seen as submitters: address → organisation (identity module state).
CREATE TABLE identities (
  address text PRIMARY KEY,
  org text NOT NULL
);

CREATE TABLE products (
  sku text PRIMARY KEY,
  producer text NOT NULL,
  name text NOT NULL,
  category text NOT NULL,
  factory_price bigint NOT NULL,
  attributes jsonb NOT NULL,
  registered_height bigint NOT NULL
);
CREATE INDEX products_producer ON products (producer);
CREATE INDEX products_category ON products (category);

CREATE TABLE batches (
  sku text NOT NULL,
  batch text NOT NULL,
  count bigint NOT NULL,
  site text NOT NULL,
  minted_height bigint NOT NULL,
  recalled boolean NOT NULL,
  recall_reason text,
  PRIMARY KEY (sku, batch)
);

-- Items whose state the index read (those an order, a shipment by codes or a trace event named).
CREATE TABLE items (
  code text PRIMARY KEY,
  sku text NOT NULL,
  batch text NOT NULL,
  serial integer NOT NULL,
  owner text NOT NULL,
  custodian text NOT NULL,
  status text NOT NULL,
  updated_height bigint NOT NULL
);
CREATE INDEX items_batch ON items (sku, batch, owner);
CREATE INDEX items_owner ON items (owner);

-- What happened to items, as the transactions and events say: a code list or a serial range of a batch.
CREATE TABLE item_events (
  height bigint NOT NULL,
  tx_idx integer NOT NULL,
  idx integer NOT NULL,
  biz_step text NOT NULL,
  by_org text,
  sku text,
  batch text,
  serial_from integer,
  serial_to integer,
  codes text[],
  count integer NOT NULL,
  ref text,
  time_ms bigint NOT NULL,
  PRIMARY KEY (height, tx_idx, idx)
);
CREATE INDEX item_events_batch ON item_events (sku, batch, height);
CREATE INDEX item_events_codes ON item_events USING gin (codes);

CREATE TABLE channels (
  producer text NOT NULL,
  org text NOT NULL,
  skus text[] NOT NULL,
  regions text[] NOT NULL,
  until_ms bigint NOT NULL,
  granted_height bigint NOT NULL,
  active boolean NOT NULL,
  PRIMARY KEY (producer, org)
);

CREATE TABLE shipments (
  sender text NOT NULL,
  id text NOT NULL,
  receiver text NOT NULL,
  items jsonb NOT NULL,
  count integer NOT NULL,
  status text NOT NULL,
  sent_height bigint NOT NULL,
  settled_height bigint,
  sent_ms bigint NOT NULL,
  PRIMARY KEY (sender, id)
);
CREATE INDEX shipments_receiver ON shipments (receiver, status);
CREATE INDEX shipments_sent ON shipments (sender, sent_ms);

-- The catalogue. `search` is what full-text search matches: title, product name, category, SKU,
-- merchant; a trigram index answers substring and similarity matches in Chinese and English alike.
CREATE TABLE listings (
  id text PRIMARY KEY,
  merchant text NOT NULL,
  sku text NOT NULL,
  title text NOT NULL,
  price bigint NOT NULL,
  carriers text[] NOT NULL,
  ships_to text[] NOT NULL,
  ships_from text,
  return_days integer NOT NULL,
  restocking_fee_bps integer NOT NULL,
  host_commission_bps integer NOT NULL,
  inventory text,
  status text NOT NULL,
  created_height bigint NOT NULL,
  updated_height bigint NOT NULL,
  category text,
  producer text,
  search text NOT NULL
);
CREATE INDEX listings_search ON listings USING gin (search gin_trgm_ops);
CREATE INDEX listings_merchant ON listings (merchant);
CREATE INDEX listings_sku ON listings (sku);
CREATE INDEX listings_category_price ON listings (category, price);
CREATE INDEX listings_price ON listings (price, id);

CREATE TABLE sessions (
  id text PRIMARY KEY,
  host text NOT NULL,
  title text NOT NULL,
  starts_at bigint NOT NULL,
  ends_at bigint NOT NULL,
  featured jsonb NOT NULL
);
CREATE INDEX sessions_host ON sessions (host);

CREATE TABLE orders (
  id text PRIMARY KEY,
  buyer text NOT NULL,
  gateway text NOT NULL,
  listing text NOT NULL,
  merchant text NOT NULL,
  sku text NOT NULL,
  quantity integer NOT NULL,
  unit_price bigint NOT NULL,
  codes text[] NOT NULL,
  payment_impl text NOT NULL,
  logistics_impl text NOT NULL,
  inventory_impl text,
  payment_provider text NOT NULL,
  carrier text NOT NULL,
  platform text NOT NULL,
  arbiter text NOT NULL,
  host text,
  session text,
  from_region text NOT NULL,
  buyer_region text NOT NULL,
  goods bigint NOT NULL,
  total bigint NOT NULL,
  composition jsonb NOT NULL,
  status text NOT NULL,
  reason text,
  payouts jsonb,
  created_ms bigint NOT NULL,
  ended_ms bigint,
  created_height bigint NOT NULL,
  updated_height bigint NOT NULL
);
CREATE INDEX orders_merchant ON orders (merchant, created_ms DESC);
CREATE INDEX orders_carrier ON orders (carrier, created_ms DESC);
CREATE INDEX orders_payment ON orders (payment_provider, created_ms DESC);
CREATE INDEX orders_platform ON orders (platform, created_ms DESC);
CREATE INDEX orders_host ON orders (host, created_ms DESC);
CREATE INDEX orders_status ON orders (status);
CREATE INDEX orders_listing ON orders (listing);

-- Every step an order took, from its events (transactions and deadline hooks alike).
CREATE TABLE order_steps (
  order_id text NOT NULL,
  height bigint NOT NULL,
  tx_idx integer NOT NULL,
  event_idx integer NOT NULL,
  step text NOT NULL,
  status text NOT NULL,
  by text,
  time_ms bigint NOT NULL,
  PRIMARY KEY (order_id, height, tx_idx, event_idx)
);
CREATE INDEX order_steps_time ON order_steps (time_ms);

CREATE TABLE reviews (
  order_id text PRIMARY KEY,
  listing text NOT NULL,
  merchant text NOT NULL,
  sku text NOT NULL,
  rating integer NOT NULL,
  text text NOT NULL,
  written_height bigint NOT NULL,
  reply text,
  replied_height bigint
);
CREATE INDEX reviews_listing ON reviews (listing);
CREATE INDEX reviews_merchant ON reviews (merchant);

-- Implementations of the commerce standards, and how often each is chosen: by orders (payment,
-- logistics, inventory) and by direct calls (search, filters, quotes).
CREATE TABLE implementations (
  id text PRIMARY KEY,
  standard text NOT NULL,
  org text NOT NULL,
  code_hash text NOT NULL,
  display_name text NOT NULL,
  registered_height bigint NOT NULL
);
CREATE TABLE implementation_uses (
  implementation text NOT NULL,
  kind text NOT NULL,
  uses bigint NOT NULL,
  last_height bigint NOT NULL,
  PRIMARY KEY (implementation, kind)
);
