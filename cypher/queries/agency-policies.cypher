// name: queries/agency-policies
// description: The policies an agency (matched by full name, short name or display name) is reported to have issued, optionally only in issues dated from $from to $to (YYYY, YYYY-MM or YYYY-MM-DD, empty for no bound), oldest first.
// params: $agency (agency) the agency as articles name it (国家医保局 or 国家医疗保障局); $from (string = "") earliest issue date, empty for none; $to (string = "") latest issue date, empty for none
// example: kg query agency-policies --param agency=国家医保局 --param from=2025-04
// columns: agency, policy, title, doc_no, kind, issue_date, issue_id, article_id, evidence
// dialect: portable
MATCH (a:Agency)
WHERE a.key = $agency OR a.name = $agency OR $agency IN coalesce(a.short_names, [])
MATCH (a)-[r:ISSUED]->(p:Policy)
WHERE ($from = '' OR r.issue_date >= $from) AND ($to = '' OR left(r.issue_date, size($to)) <= $to)
RETURN a.name AS agency, p.key AS policy, p.name AS title, p.doc_no AS doc_no, p.kind AS kind,
       r.issue_date AS issue_date, r.issue_id AS issue_id, r.article_id AS article_id, r.evidence AS evidence
ORDER BY issue_date, policy, agency, article_id, evidence
