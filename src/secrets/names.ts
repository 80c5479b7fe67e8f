/** What a secret may be called; with the env provider it becomes part of a variable name. */
export const SECRET_NAME = /^[A-Za-z0-9_]+$/;
