import { appendAudit, changesBetween } from '../../platform/audit.js';
import type { Database, Queryable } from '../../platform/db.js';
import { isUniqueViolation } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { appendEvent } from '../../platform/outbox.js';
import type { CatalogCaches } from './catalog.caches.js';
import { catalogErrors } from './catalog.errors.js';
import { presentCategory } from './catalog.present.js';
import type { CategoryView } from './catalog.schemas.js';
import * as repo from './categories.repo.js';

export interface NewCategoryInput {
  name: string;
  slug: string;
  parentId?: string | null | undefined;
}

export interface CategoryChanges {
  name?: string | undefined;
  slug?: string | undefined;
  /** null moves the category to the top. */
  parentId?: string | null | undefined;
}

const AUDITED_CATEGORY_FIELDS = ['name', 'slug', 'parentId'] as const;

/** The category tree: read from a cache every process shares, changed by admins. */
export class Categories {
  constructor(
    private readonly db: Database,
    private readonly shared: CatalogCaches,
  ) {}

  async categories(): Promise<CategoryView[]> {
    return this.shared.categories.get('all', async () =>
      (await repo.listCategories(this.db)).map(presentCategory),
    );
  }

  async createCategory(input: NewCategoryInput) {
    const category = await this.db.transaction(async (tx) => {
      await repo.lockCategoryTree(tx);
      if (input.parentId && !(await repo.findCategory(tx, input.parentId))) {
        throw catalogErrors.invalidAt('parent_category_unknown', '/parent_id', 'no such category');
      }
      const row = await withSlugConflict(() =>
        repo.insertCategory(tx, {
          id: newId('cat'),
          name: input.name,
          slug: input.slug,
          parentId: input.parentId ?? null,
        }),
      );
      await appendEvent(tx, 'category.created.v1', presentCategory(row));
      await appendAudit(tx, {
        action: 'category.created',
        target: { type: 'category', id: row.id },
        changes: changesBetween(null, row, AUDITED_CATEGORY_FIELDS),
      });
      return row;
    });
    await this.shared.invalidate('categories');
    return presentCategory(category);
  }

  async updateCategory(id: string, changes: CategoryChanges) {
    const category = await this.db.transaction(async (tx) => {
      await repo.lockCategoryTree(tx);
      const before = await repo.findCategory(tx, id);
      if (!before) throw catalogErrors.error('category_not_found');
      if (changes.parentId) {
        const ancestors = await repo.ancestorIds(tx, changes.parentId);
        if (ancestors.length === 0) {
          throw catalogErrors.invalidAt('parent_category_unknown', '/parent_id', 'no such category');
        }
        if (ancestors.includes(id)) {
          throw catalogErrors.invalidAt(
            'category_cycle',
            '/parent_id',
            'a category cannot sit under itself or its descendants',
          );
        }
      }
      const row = await withSlugConflict(() => repo.updateCategory(tx, id, changes));
      await appendEvent(tx, 'category.updated.v1', presentCategory(row!));
      await appendAudit(tx, {
        action: 'category.updated',
        target: { type: 'category', id },
        changes: changesBetween(before, row!, AUDITED_CATEGORY_FIELDS),
      });
      return row!;
    });
    await this.shared.invalidate('categories');
    return presentCategory(category);
  }
}

/** A product's category must exist (no category is fine). */
export async function assertCategoryExists(
  tx: Queryable,
  categoryId: string | null | undefined,
): Promise<void> {
  if (categoryId && !(await repo.findCategory(tx, categoryId))) {
    throw catalogErrors.invalidAt('category_unknown', '/category_id', 'no such category');
  }
}

async function withSlugConflict<T>(write: () => Promise<T>): Promise<T> {
  return renameUniqueViolation(write, 'slug_taken');
}

/** Runs `write`, answering a unique violation as 409 `conflict` with `reason`. */
export async function renameUniqueViolation<T>(
  write: () => Promise<T>,
  reason: 'sku_taken' | 'slug_taken',
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) throw catalogErrors.error(reason);
    throw error;
  }
}
