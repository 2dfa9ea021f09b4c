/**
 * How each channel signs its connect, as the platform checks it (and the simulator checks it too).
 * The signatures cover a timestamp, so every attempt is signed afresh.
 */
import { md5Hex } from '../push-signature.ts'

/**
 * Taobao's (TOP) MD5 signature, which TMC's connect and JD's JOS use alike: the secret, every
 * parameter as name + value in byte order of the names (empty values left out), the secret again;
 * MD5, upper-case hex. Source: Taobao Open Platform, "API 调用方法详解 › 签名算法"
 * (https://open.taobao.com/doc.htm?docId=101617&docType=1), which the TMC SDKs apply to the
 * connect's app_key, group_name and timestamp; JD's JOS signs its calls the same way
 * ("签名算法", https://jos.jd.com).
 */
export function topSign(params: Readonly<Record<string, string>>, secret: string): string {
  const names = Object.keys(params).filter((name) => params[name] !== '').sort()
  return md5Hex(secret, ...names.map((name) => name + params[name]), secret).toUpperCase()
}

/**
 * Pinduoduo's message-service signature, the last path segment of
 * wss://message-api.pinduoduo.com/message/{client_id}/{timestamp}/{sign}: base64 of the lower-case
 * hex MD5 of client_id + timestamp (ms) + client_secret. Source: Pinduoduo Open Platform, 开发文档 ›
 * 消息服务 (https://open.pinduoduo.com), as the public message-service clients implement it.
 */
export function pinduoduoChannelSign(clientId: string, timestamp: string, clientSecret: string): string {
  return Buffer.from(md5Hex(clientId, timestamp, clientSecret), 'utf8').toString('base64')
}
