// name: schema/connections
// description: The endpoint pairs of one LadybugDB relationship table (source table, destination table, their keys).
// params: none
// template: type
// dialect: lbug
CALL show_connection('{type}') RETURN *
