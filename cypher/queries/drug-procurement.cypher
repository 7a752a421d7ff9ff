// name: queries/drug-procurement
// description: A drug's procurement history (matched by generic name, alias or part of it): every procurement it was selected in, with price and 降幅 where stated, the regions piloting or implementing that procurement, the issue and the evidence, oldest first.
// params: $drug (string) the drug's generic name, an alias or part of it
// example: kg query drug-procurement --param drug=阿托伐他汀
// columns: drug, procurement, title, price, price_cut, regions, issue_date, issue_id, article_id, evidence
// dialect: portable
WITH $drug AS q
MATCH (d:Drug)
WHERE d.key = q OR d.key CONTAINS q OR d.name CONTAINS q
   OR any(alias IN coalesce(d.aliases, []) WHERE alias CONTAINS q)
WITH collect(d.key) AS drugs
UNWIND drugs AS k
MATCH (:Drug {key: k})-[:SELECTED_IN]->(p:Policy)
WITH DISTINCT drugs, p
OPTIONAL MATCH (p)-[:PILOTS_IN|IMPLEMENTS]-(reg:Region)
WITH drugs, p, reg
ORDER BY reg.key
SKIP 0
WITH drugs, p, collect(DISTINCT reg.name) AS regions
UNWIND drugs AS k
MATCH (d:Drug {key: k})-[s:SELECTED_IN]->(p)
RETURN d.name AS drug, p.key AS procurement, p.name AS title, s.price AS price, s.price_cut AS price_cut,
       regions, s.issue_date AS issue_date, s.issue_id AS issue_id, s.article_id AS article_id,
       s.evidence AS evidence
ORDER BY drug, issue_date, procurement, article_id, evidence
