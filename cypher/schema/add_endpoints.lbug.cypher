// name: schema/add_endpoints
// description: Add an endpoint pair that graph.toml gained since the LadybugDB relationship table was created.
// params: none
// template: type, src_label, dst_label
// dialect: lbug
ALTER TABLE {type} ADD FROM {src_label} TO {dst_label}
