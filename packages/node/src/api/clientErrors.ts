/**
 * Answers to requests the HTTP parser refuses before any route sees them (headers or URL too large,
 * malformed requests, a client too slow to send its request). Like every other error of this API they are
 * `{ code, message }` with a stable code: issue 16 found the 431 answer without one.
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { NodeErrors } from '../errors.js';

/** The largest request head (request line and headers) Node.js parses by default. */
export const MAX_HEADER_BYTES = 16 * 1024;

function answerOf(error: NodeJS.ErrnoException): { status: number; code: string; message: string } {
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    return {
      status: 431,
      code: NodeErrors.REQUEST_HEADERS_TOO_LARGE,
      message: `the request line and headers exceed ${MAX_HEADER_BYTES} bytes`,
    };
  }
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return { status: 408, code: NodeErrors.REQUEST_TIMEOUT, message: 'the request did not arrive in time' };
  }
  return { status: 400, code: NodeErrors.BAD_REQUEST, message: 'the request is not valid HTTP' };
}

/**
 * Writes a whole `{ code, message, details? }` answer straight to a connection no route will answer, and
 * ends it: the HTTP parser refused the request, or the connection cap refused the connection.
 */
export function writeRawAnswer(
  socket: Socket,
  status: number,
  answer: { code: string; message: string; details?: unknown },
  headers = '',
): void {
  const body = JSON.stringify(answer);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n${headers}Connection: close\r\n\r\n${body}`,
  );
}

/** The server's `clientError` handler: writes the coded answer and closes the connection. */
export function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  // A reset connection has nobody to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const { status, code, message } = answerOf(error);
  if (socket.writable) writeRawAnswer(socket, status, { code, message });
  socket.destroy();
}
