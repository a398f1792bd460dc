import {
  type Command,
  type Module,
  type Query,
  queryList,
  type StoreDescription,
} from '../../framework/module.js';
import { ReplyCommand } from './commands/reply.js';
import { WriteReviewCommand } from './commands/write.js';
import type { IdentityForReviews, OrdersForReviews } from './expected.js';
import { reviewsQueries } from './queries.js';
import { REVIEWS_MODULE } from './stores.js';

/** Reviews only by verified buyers (the order's own key), one per delivered order, immutable, answerable. */
export class ReviewsModule implements Module {
  readonly name = REVIEWS_MODULE;
  readonly commands: readonly Command<any>[];
  readonly queries: readonly Query<any, any>[] = queryList(reviewsQueries);
  readonly stores: readonly StoreDescription[] = [
    {
      name: 'reviews',
      access: 'public',
      keyLayout: 'reviews/reviews/<order>',
      summary: 'One review per delivered order.',
    },
    {
      name: 'byListing',
      access: 'public',
      keyLayout: 'reviews/byListing/<listing>/<order>',
      summary: "A listing's reviews.",
    },
    {
      name: 'ratings',
      access: 'public',
      keyLayout: 'reviews/ratings/{listing|merchant}/<id>',
      summary: 'Count and sum of stars.',
    },
  ];

  constructor(orders: OrdersForReviews, identity: IdentityForReviews) {
    this.commands = [new WriteReviewCommand(orders), new ReplyCommand(identity)];
  }
}
