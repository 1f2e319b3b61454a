// Who may use the admin server. On a loopback address it needs no token (only this machine can
// reach it), but answers only requests addressed to a loopback name, so a web page cannot reach
// it by pointing a DNS name of its own at 127.0.0.1. On any other address a token is required,
// checked on every request (the event stream too) in constant time. Mutating calls are POST
// (or bull-board's own PUT/DELETE) and refuse requests from another origin.
import { createHash, timingSafeEqual } from 'node:crypto'
import type { MiddlewareHandler } from 'hono'
import { getCookie, setCookie } from 'hono/cookie'
import { StairsError } from '../errors.js'

/** The cookie the page's own requests carry the token in, once the page was opened with `?token=`. */
export const TOKEN_COOKIE = 'stairs_admin_token'

/** 127.0.0.0/8, ::1 and localhost. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase()
  return bare === 'localhost' || bare === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare)
}

/** The token the server will require: refuses a non-loopback host without one, or a token too short to guess. */
export function checkAccessSettings(host: string, token: string | undefined): void {
  if (token !== undefined && token.length < 16)
    throw new StairsError('CONFIG', 'the admin token must be at least 16 characters (e.g. `openssl rand -hex 16`)')
  if (!isLoopback(host) && token === undefined)
    throw new StairsError(
      'CONFIG',
      `the admin server binds ${host}, reachable from other machines: it needs a token (--token or STAIRS_ADMIN_TOKEN); without one, bind 127.0.0.1`,
    )
}

const digest = (text: string): Buffer => createHash('sha256').update(text).digest()

/** Equal in constant time (both sides hashed to the same length first, so the length leaks nothing either). */
export function sameToken(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected))
}

/** The hostname part of a Host header (`[::1]:7400` -> `::1`). */
function hostnameOf(header: string): string {
  if (header.startsWith('[')) return header.slice(1, header.indexOf(']'))
  const colon = header.lastIndexOf(':')
  return colon > 0 ? header.slice(0, colon) : header
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

export interface AccessOptions {
  /** The address the server binds. */
  readonly host: string
  readonly token: string | undefined
}

/** The middleware every route goes through. */
export function accessControl(options: AccessOptions): MiddlewareHandler {
  const loopback = isLoopback(options.host)
  return async (c, next) => {
    const hostHeader = c.req.header('host') ?? ''
    if (loopback && !isLoopback(hostnameOf(hostHeader)))
      return c.json({ error: `requests must be addressed to this machine (Host '${hostHeader}' refused)` }, 403)

    if (options.token !== undefined) {
      const bearer = c.req.header('authorization')?.match(/^Bearer\s+(.+)$/i)?.[1]
      const query = c.req.query('token')
      const given = bearer ?? query ?? getCookie(c, TOKEN_COOKIE)
      if (given === undefined)
        return c.json({ error: 'a token is required (Authorization: Bearer TOKEN, or open the page with ?token=TOKEN)' }, 401)
      if (!sameToken(given, options.token)) return c.json({ error: 'wrong token' }, 403)
      // The page opened with ?token= keeps it in a cookie for its own requests (EventSource sends no headers).
      if (query !== undefined) setCookie(c, TOKEN_COOKIE, query, { httpOnly: true, sameSite: 'Strict', path: '/' })
    }

    if (!SAFE_METHODS.has(c.req.method)) {
      const origin = c.req.header('origin')
      const site = c.req.header('sec-fetch-site')
      const expected = `${new URL(c.req.url).protocol}//${hostHeader}`
      if (origin !== undefined ? origin !== expected : site !== undefined && site !== 'same-origin' && site !== 'none')
        return c.json({ error: `cross-origin request refused (Origin ${origin ?? site})` }, 403)
    }
    await next()
  }
}
