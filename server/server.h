/*
 * server.h - kiban's HTTP server, `kiban serve`: the JSON API and the web
 * pages over libkiban, in three layers that call downwards only: the HTTP
 * plumbing (http.h); the routes per domain (api_*.c) and the pages per
 * domain (page_*.c) over what they share (app.h); on top the route table
 * (routes.def, routes.c) and the server's assembly (server.c).
 * This header is what the command (cli/cmd_serve.c) sees.
 */
#ifndef KB_SERVER_H
#define KB_SERVER_H

#include "server/app.h"
#include "server/http.h"

/* Serves c's database until SIGINT or SIGTERM (server.c). */
int srv_run(struct srv_conf *c, struct kb_err *err);
/* Route i of the table, in the order they are tried; NULL past the last. */
const struct route *srv_route(size_t i);

/* routes.c: the pages' menu */
extern const struct menu_item srv_menu[];
extern const size_t srv_nmenu;

#endif
