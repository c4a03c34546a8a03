-- Each product's neighbours by one signal as one row of arrays, best first: serving reads a
-- product's list as one row, where a row per neighbour made a regular's 50 interests 7,500 rows.
-- Popularity is no longer joined to each neighbour: a process keeps all of it, read at once.
CREATE TABLE recommendation_lists (
  product_id text NOT NULL,
  strategy text NOT NULL CHECK (strategy IN ('co_purchase', 'content')),
  neighbour_ids text[] NOT NULL,
  scores double precision[] NOT NULL,
  PRIMARY KEY (product_id, strategy),
  CONSTRAINT recommendation_lists_aligned CHECK (cardinality(neighbour_ids) = cardinality(scores)),
  CONSTRAINT recommendation_lists_scored CHECK (0 < ALL (scores)),
  CONSTRAINT recommendation_lists_not_self CHECK (product_id <> ALL (neighbour_ids))
);

INSERT INTO recommendation_lists (product_id, strategy, neighbour_ids, scores)
SELECT product_id, strategy, array_agg(neighbour_id ORDER BY rank), array_agg(score ORDER BY rank)
FROM recommendation_neighbours
GROUP BY product_id, strategy;

DROP TABLE recommendation_neighbours;
