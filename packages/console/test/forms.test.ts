/** The company forms' input checks (lib/forms.ts): what they accept, and that every refusal says why. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  listingParams,
  listingUpdateParams,
  parseAttributes,
  parseCodes,
  parsePercent,
  productParams,
  sessionParams,
} from '../src/lib/forms.js';
import { translate } from '../src/messages.js';
import type { StoryKey } from '../src/messagesStory.js';

const t = (key: StoryKey, vars?: Record<string, string | number>) => translate('en', key, vars);
const refuses = (run: () => unknown, pattern: RegExp) => assert.throws(run, pattern);

describe('company forms', () => {
  it('registers a product from a draft, and says what is wrong with a bad one', () => {
    const draft = {
      sku: ' isbn-9787544253994 ',
      name: '百年孤独',
      category: 'books',
      price: '39.5',
      attributes: 'author=Gabriel García Márquez\nlanguage：zh\n\n',
    };
    assert.deepEqual(productParams(t, draft), {
      sku: 'isbn-9787544253994',
      name: '百年孤独',
      category: 'books',
      factoryPrice: 3_950,
      attributes: { author: 'Gabriel García Márquez', language: 'zh' },
    });
    refuses(() => productParams(t, { ...draft, sku: '' }), /Enter the SKU/);
    refuses(() => productParams(t, { ...draft, sku: 'ISBN 978' }), /is not a SKU/);
    refuses(() => productParams(t, { ...draft, name: ' ' }), /name of 1 to 200/);
    refuses(() => productParams(t, { ...draft, price: '39.999' }), /factory price in yuan/);
    refuses(() => parseAttributes(t, 'no separator'), /key=value/);
    refuses(() => parseAttributes(t, 'a=1\na=2'), /given twice/);
  });

  it('names codes by serial, range or full code, within one batch and the limit', () => {
    assert.deepEqual(parseCodes(t, '1-3, 7，s:b:9', 's', 'b'), {
      codes: ['s:b:1', 's:b:2', 's:b:3', 's:b:7', 's:b:9'],
    });
    refuses(() => parseCodes(t, '', 's', 'b'), /Name the items/);
    refuses(() => parseCodes(t, 'x:b:1', 's', 'b'), /is not of s batch b/);
    refuses(() => parseCodes(t, '5-2', 's', 'b'), /is not a code/);
    refuses(() => parseCodes(t, '1-501', 's', 'b'), /At most 500/);
    refuses(() => parseCodes(t, '1', '', 'b'), /product and batch first/);
  });

  it('makes listings and their edits, in basis points and fen', () => {
    const draft = {
      listing: 'solitude-2027',
      sku: 'isbn-9787544253994',
      title: '百年孤独',
      price: '45',
      carriers: ['carrier-a'],
      shipsTo: 'cn, CN-31',
      shipsFrom: 'cn-31',
      returnDays: '7',
      restockingPercent: '5',
      commissionPercent: '10.5%',
    };
    assert.deepEqual(listingParams(t, draft, []), {
      listing: 'solitude-2027',
      sku: 'isbn-9787544253994',
      title: '百年孤独',
      shipsTo: ['CN', 'CN-31'],
      price: 4_500,
      carriers: ['carrier-a'],
      shipsFrom: 'CN-31',
      returnPolicy: { days: 7, restockingFeeBps: 500 },
      hostCommissionBps: 1_050,
    });
    refuses(() => listingParams(t, draft, ['solitude-2027']), /already have a listing/);
    refuses(() => listingParams(t, { ...draft, price: '0' }, []), /at least 0\.01/);
    refuses(() => listingParams(t, { ...draft, carriers: [] }, []), /at least one carrier/);
    refuses(() => listingParams(t, { ...draft, shipsFrom: '' }, []), /where it ships from/);
    refuses(() => listingParams(t, { ...draft, shipsTo: 'China' }, []), /is not a region code/);
    refuses(() => listingParams(t, { ...draft, returnDays: '400' }, []), /0 \(no returns\) to 365/);
    refuses(() => listingParams(t, { ...draft, commissionPercent: '101' }, []), /Host commission/);
    assert.equal(
      listingUpdateParams(t, 'solitude-2027', { ...draft, price: '42', status: 'paused' }).price,
      4_200,
    );
    assert.equal(parsePercent('100'), 10_000);
    assert.equal(parsePercent('-1'), undefined);
  });

  it('announces sessions with a window that is not over and at least one listing', () => {
    const now = Date.parse('2027-03-01T20:00');
    const draft = {
      session: 'solitude-night',
      title: 'Reading night',
      startsAt: '2027-03-01T20:00',
      endsAt: '2027-03-01T22:00',
      listings: ['bookstore/solitude-2027'],
    };
    const params = sessionParams(t, draft, now);
    assert.equal(params.endsAt - params.startsAt, 2 * 3_600_000);
    refuses(() => sessionParams(t, { ...draft, endsAt: '2027-03-01T19:00' }, now), /end after it starts/);
    refuses(() => sessionParams(t, draft, now + 3 * 3_600_000), /already be over/);
    refuses(() => sessionParams(t, { ...draft, listings: [] }, now), /at least one listing/);
    refuses(() => sessionParams(t, { ...draft, endsAt: '' }, now), /start and the end/);
    refuses(() => sessionParams(t, { ...draft, session: 'Night!' }, now), /session id/);
  });
});
