// name: schema/add_property
// description: Add a property that graph.toml gained since the LadybugDB table was created.
// params: none
// template: table, property, property_type
// dialect: lbug
ALTER TABLE {table} ADD IF NOT EXISTS {property} {property_type}
