// name: store/ledger_edges
// description: Every relationship of one type and endpoint pair with its issue: rebuilds the ledger and the relationship index of a store written before they existed (once, when their tables are created).
// params: none
// template: type, src_label, src_key, dst_label, dst_key
// dialect: lbug
MATCH (a:{src_label})-[r:{type}]->(b:{dst_label})
RETURN r.issue_id AS issue, a.{src_key} AS src, b.{dst_key} AS dst, r.id AS id
