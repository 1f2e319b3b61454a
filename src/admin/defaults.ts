// Where the admin server listens unless told otherwise (kept apart so the CLI can name them
// without loading the server).
export const DEFAULT_ADMIN_PORT = 7400
export const DEFAULT_ADMIN_HOST = '127.0.0.1'
