/** One event that shows interest: a purchase (weight 1) or a product view (weighted lower). */
export interface Interaction {
  userId: string;
  itemId: string;
  /** Unix epoch seconds. */
  timestamp: number;
  weight: number;
}

/** A user's interest in one item, repeats collapsed: the model's unit of input. */
export interface UserItem {
  item: number;
  weight: number;
  /** When the user first showed interest (Unix epoch seconds). */
  timestamp: number;
}

/** Dense indices for string ids, so models work on typed arrays. */
export class Vocabulary {
  private readonly indexByKey = new Map<string, number>();
  readonly keys: string[] = [];

  /** The index of `key`, adding it when new. */
  intern(key: string): number {
    let index = this.indexByKey.get(key);
    if (index === undefined) {
      index = this.keys.length;
      this.indexByKey.set(key, index);
      this.keys.push(key);
    }
    return index;
  }

  indexOf(key: string): number | undefined {
    return this.indexByKey.get(key);
  }

  get size(): number {
    return this.keys.length;
  }
}

export interface UserHistories {
  users: Vocabulary;
  items: Vocabulary;
  /** Per user index, one entry per distinct item, in order of first interest. */
  histories: UserItem[][];
}

/**
 * Collapses raw interactions to one entry per (user, item): timed at the first interaction,
 * weighted by the strongest (a view followed by a purchase counts as a purchase, and buying
 * the same item again adds nothing).
 */
export function collapseInteractions(interactions: Iterable<Interaction>): UserHistories {
  const users = new Vocabulary();
  const items = new Vocabulary();
  const entriesByUser: Map<number, UserItem>[] = [];
  for (const { userId, itemId, timestamp, weight } of interactions) {
    const user = users.intern(userId);
    const item = items.intern(itemId);
    let entries = entriesByUser[user];
    if (!entries) {
      entries = new Map();
      entriesByUser[user] = entries;
    }
    const entry = entries.get(item);
    if (!entry) entries.set(item, { item, weight, timestamp });
    else {
      entry.weight = Math.max(entry.weight, weight);
      entry.timestamp = Math.min(entry.timestamp, timestamp);
    }
  }
  const histories = entriesByUser.map((entries) => [...entries.values()].sort(byTimeThenIndex));
  return { users, items, histories };
}

function byTimeThenIndex(a: UserItem, b: UserItem): number {
  return a.timestamp - b.timestamp || a.item - b.item;
}
