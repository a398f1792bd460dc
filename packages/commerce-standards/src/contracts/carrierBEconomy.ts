/**
 * `carrier-b.economy` (commerce.logistics/1): cheaper and slower, priced by a zone table. Provinces
 * (ISO 3166-2:CN numeric codes, as the catalogue spells them) fall into six zones; the fee is a base per
 * zone distance plus 1.00 per started kilogram, and days grow with the distance. Regions not in the table
 * (abroad, the bare `CN`, ZZ) are not served: the carrier cannot price a route it does not know.
 */
import { defineContract } from '@hanglian/contract-sdk';
import type { LogisticsQuoteRequest, LogisticsQuoteResult } from '../standards/logistics.js';

/** Zone of each province: 0 east, 1 north, 2 central, 3 south, 4 south-west, 5 north-west and north-east. */
const ZONES: Record<string, number> = {
  'CN-31': 0, // Shanghai
  'CN-32': 0, // Jiangsu
  'CN-33': 0, // Zhejiang
  'CN-34': 0, // Anhui
  'CN-35': 0, // Fujian
  'CN-36': 0, // Jiangxi
  'CN-37': 0, // Shandong
  'CN-11': 1, // Beijing
  'CN-12': 1, // Tianjin
  'CN-13': 1, // Hebei
  'CN-14': 1, // Shanxi
  'CN-15': 1, // Inner Mongolia
  'CN-41': 2, // Henan
  'CN-42': 2, // Hubei
  'CN-43': 2, // Hunan
  'CN-44': 3, // Guangdong
  'CN-45': 3, // Guangxi
  'CN-46': 3, // Hainan
  'CN-50': 4, // Chongqing
  'CN-51': 4, // Sichuan
  'CN-52': 4, // Guizhou
  'CN-53': 4, // Yunnan
  'CN-54': 4, // Tibet
  'CN-21': 5, // Liaoning
  'CN-22': 5, // Jilin
  'CN-23': 5, // Heilongjiang
  'CN-61': 5, // Shaanxi
  'CN-62': 5, // Gansu
  'CN-63': 5, // Qinghai
  'CN-64': 5, // Ningxia
  'CN-65': 5, // Xinjiang
};

/** Base fee and days by route class: same region, same zone, neighbouring zones, far. */
const SAME_REGION = { fee: 400, days: 2 };
const SAME_ZONE = { fee: 600, days: 3 };
const NEAR = { fee: 800, days: 4 };
const FAR = { fee: 1_000, days: 6 };
/** Zones that border each other (both directions are listed). */
const NEIGHBOURS = [
  '0-1',
  '1-0',
  '0-2',
  '2-0',
  '1-2',
  '2-1',
  '2-3',
  '3-2',
  '2-4',
  '4-2',
  '3-4',
  '4-3',
  '1-5',
  '5-1',
];
const PER_KILOGRAM_FEE = 100;

function zoneOf(region: string): number {
  // An own-property check: `__proto__` or `toString` must not read as a zone.
  if (!Object.hasOwn(ZONES, region)) throw new Error(`region not served: ${region}`);
  return ZONES[region]!;
}

export default defineContract({
  quote(request: LogisticsQuoteRequest): LogisticsQuoteResult {
    const from = zoneOf(request.fromRegion);
    const to = zoneOf(request.toRegion);
    const route =
      request.fromRegion === request.toRegion
        ? SAME_REGION
        : from === to
          ? SAME_ZONE
          : NEIGHBOURS.indexOf(`${from}-${to}`) >= 0
            ? NEAR
            : FAR;
    const kilograms = Math.ceil(request.weightGrams / 1000);
    return { fee: route.fee + PER_KILOGRAM_FEE * kilograms, days: route.days };
  },
});
