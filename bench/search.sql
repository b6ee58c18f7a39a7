WITH m AS (SELECT a.slug, ts_rank_cd(a.search, q) AS rank
  FROM articles AS a, websearch_to_tsquery('english', $1) AS q WHERE a.search @@ q)
SELECT t.total, p.slug FROM (SELECT count(*) AS total FROM m) AS t
LEFT JOIN LATERAL (SELECT slug, rank FROM m ORDER BY rank DESC, slug COLLATE "C"
  LIMIT $2 OFFSET $3) AS p ON true
ORDER BY p.rank DESC, p.slug COLLATE "C"
