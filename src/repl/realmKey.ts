import { WeftError } from '../model/errors.ts'
import type { InstanceId, JobId, RealmId } from './types.ts'

/**
 * A realm key: the secret that lets a requester run code in a realm. Automerge documents carry no
 * authenticated identity (anyone with the repository link can write any field of the session), so
 * consent is cryptographic: the realm's owner holds the key (never written into any document) and
 * hands it to the people and agents it trusts; a job carries an HMAC-SHA256 over everything that
 * determines what runs, and the realm runs nothing whose MAC its key does not confirm.
 *
 * The text form is 64 lowercase hex digits (32 random bytes).
 */
export type RealmKey = string

/** 32 bytes as hex: the text form of keys and MACs alike. */
const HEX_32 = /^[0-9a-f]{64}$/
const toHex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')
const fromHex = (hex: string) =>
  Uint8Array.from({ length: hex.length / 2 }, (_, i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16))

/** A fresh random realm key. */
export function newRealmKey(): RealmKey {
  return toHex(crypto.getRandomValues(new Uint8Array(32)))
}

/** The key in `text` (surrounding whitespace allowed, as in a key file); refuses anything else. */
export function parseRealmKey(text: string): RealmKey {
  const key = text.trim().toLowerCase()
  if (!HEX_32.test(key))
    throw new WeftError('bad-input', 'A realm key is 64 hexadecimal digits (see `weft repl key`).')
  return key
}

/** What a job's MAC covers: the realm and instance it is for, its id, and what it runs and for how long. */
export interface SignedJob {
  realm: RealmId
  instance: InstanceId
  id: JobId
  language: string
  code: string
  timeoutMs: number
}

/**
 * One unambiguous byte string per job (a JSON array: strings are quoted and escaped, so no two
 * jobs encode alike). The instance is covered so a job copied into a later registration of the
 * same realm id (whose runtime has not seen its id) does not verify; the id, so a MAC copied onto
 * a new job does not; exactly-once ids do the rest.
 */
const message = (job: SignedJob) =>
  new TextEncoder().encode(
    JSON.stringify([
      'weft-repl-job-v1',
      job.realm,
      job.instance,
      job.id,
      job.language,
      job.code,
      job.timeoutMs,
    ]),
  )

const hmacKey = (key: RealmKey, usage: 'sign' | 'verify') =>
  crypto.subtle.importKey('raw', fromHex(parseRealmKey(key)), { name: 'HMAC', hash: 'SHA-256' }, false, [
    usage,
  ])

/** The job's MAC under `key`, as hex. */
export async function signJob(key: RealmKey, job: SignedJob): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.sign('HMAC', await hmacKey(key, 'sign'), message(job))))
}

/**
 * Why the realm must not run `job`, or null if `mac` is its MAC under `key`. The comparison is
 * WebCrypto's own (constant time).
 */
export async function refusal(
  key: RealmKey,
  job: SignedJob,
  mac: string | undefined,
): Promise<string | null> {
  if (mac === undefined)
    return `not authorized: the request carries no realm key proof; ask the realm's owner for its key (the REPL panel shows it; \`weft repl key\` for \`weft repl serve\`) and pass it with --key-file or WEFT_REPL_KEY`
  if (!HEX_32.test(mac)) return "not authorized: the request's key proof is malformed"
  const ok = await crypto.subtle.verify('HMAC', await hmacKey(key, 'verify'), fromHex(mac), message(job))
  return ok
    ? null
    : `not authorized: the request's key proof does not match realm ${job.realm}'s key (a wrong key, or code, realm, id or timeout changed after signing)`
}

/** What `macOf` signs: the purpose names what the text is, so a MAC made for one use never passes for another. */
const purposeMessage = (purpose: string, text: string) =>
  new TextEncoder().encode(JSON.stringify([`${purpose}-v1`, text]))

/** A MAC under `key` over `text` for `purpose` (other than jobs, which `signJob` covers), as hex. */
export async function macOf(key: RealmKey, purpose: string, text: string): Promise<string> {
  const signed = await crypto.subtle.sign('HMAC', await hmacKey(key, 'sign'), purposeMessage(purpose, text))
  return toHex(new Uint8Array(signed))
}

/** True if `mac` is `macOf(key, purpose, text)` (WebCrypto's constant-time comparison). */
export async function verifiesUnder(
  key: RealmKey,
  purpose: string,
  text: string,
  mac: string,
): Promise<boolean> {
  if (!HEX_32.test(mac)) return false
  return crypto.subtle.verify(
    'HMAC',
    await hmacKey(key, 'verify'),
    fromHex(mac),
    purposeMessage(purpose, text),
  )
}
