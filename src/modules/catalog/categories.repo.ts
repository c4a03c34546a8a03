import { type Queryable, sql, sqlArray } from '../../platform/db.js';
import type { CategoryRow } from './product-reads.repo.js';

/** The SQL of the category tree. */

const CATEGORY_COLUMNS = sql`id, name, slug, parent_id AS "parentId"`;

export async function listCategories(db: Queryable): Promise<CategoryRow[]> {
  return db.query<CategoryRow>(sql`SELECT ${CATEGORY_COLUMNS} FROM categories ORDER BY name, id`);
}

export async function findCategory(db: Queryable, id: string): Promise<CategoryRow | undefined> {
  const [row] = await db.query<CategoryRow>(sql`SELECT ${CATEGORY_COLUMNS} FROM categories WHERE id = ${id}`);
  return row;
}

export async function insertCategory(db: Queryable, category: CategoryRow): Promise<CategoryRow> {
  const [row] = await db.query<CategoryRow>(sql`
    INSERT INTO categories (id, name, slug, parent_id)
    VALUES (${category.id}, ${category.name}, ${category.slug}, ${category.parentId})
    RETURNING ${CATEGORY_COLUMNS}`);
  return row!;
}

export async function updateCategory(
  db: Queryable,
  id: string,
  changes: { name?: string | undefined; slug?: string | undefined; parentId?: string | null | undefined },
): Promise<CategoryRow | undefined> {
  const [row] = await db.query<CategoryRow>(sql`
    UPDATE categories
    SET name = coalesce(${changes.name ?? null}, name),
        slug = coalesce(${changes.slug ?? null}, slug),
        parent_id = CASE WHEN ${changes.parentId !== undefined} THEN ${changes.parentId ?? null} ELSE parent_id END,
        version = version + 1,
        updated_at = now()
    WHERE id = ${id}
    RETURNING ${CATEGORY_COLUMNS}`);
  return row;
}

/** Serialises changes to the category tree, so two moves can never make a cycle together. */
export async function lockCategoryTree(db: Queryable): Promise<void> {
  await db.execute(sql`SELECT pg_advisory_xact_lock(7245003)`);
}

/** The category and its ancestors, nearest first. */
export async function ancestorIds(db: Queryable, id: string): Promise<string[]> {
  const rows = await db.query<{ id: string }>(sql`
    WITH RECURSIVE up AS (
      SELECT id, parent_id, 0 AS depth FROM categories WHERE id = ${id}
      UNION ALL
      SELECT c.id, c.parent_id, up.depth + 1 FROM categories c JOIN up ON c.id = up.parent_id
    )
    SELECT id FROM up ORDER BY depth`);
  return rows.map((row) => row.id);
}

/** Each category given, with itself and all its descendants. */
export async function withDescendants(
  db: Queryable,
  categoryIds: readonly string[],
): Promise<Map<string, string[]>> {
  if (categoryIds.length === 0) return new Map();
  const rows = await db.query<{ root: string; id: string }>(sql`
    WITH RECURSIVE down AS (
      SELECT id AS root, id FROM categories WHERE id = ANY(${sqlArray([...categoryIds])}::text[])
      UNION ALL
      SELECT down.root, c.id FROM categories c JOIN down ON c.parent_id = down.id
    )
    SELECT root, id FROM down`);
  const tree = new Map<string, string[]>();
  for (const row of rows) tree.set(row.root, [...(tree.get(row.root) ?? []), row.id]);
  return tree;
}
