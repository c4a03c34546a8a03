import type { CategoryTree } from '../promotions/index.js';
import { withDescendants } from './categories.repo.js';

/** The category tree as promotions see it: a scoped category covers its descendants. */
export const catalogCategoryTree: CategoryTree = { withDescendants };
