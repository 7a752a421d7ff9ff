// name: store/ping
// description: A no-op read that checks the connection, the credentials and the database.
// params: none
// dialect: portable
RETURN 1 AS ok
