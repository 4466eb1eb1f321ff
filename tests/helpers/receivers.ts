/**
 * Stand-ins for notification receivers on 127.0.0.1: an HTTP listener that records every request (Slack, PagerDuty
 * and webhook receivers post JSON to it; paths starting `/pagerduty` and `/slack` answer as those services do) and a minimal SMTP server (EHLO, AUTH PLAIN, MAIL, RCPT, DATA, QUIT; no
 * STARTTLS) that records every message with the credentials it was given.
 */
import * as http from "http";
import * as net from "net";
import type { AddressInfo } from "net";
import { LOOPBACK } from "./processes";

export interface HttpDelivery {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export class HttpReceiver {
  readonly received: HttpDelivery[] = [];
  private server: http.Server | undefined;
  url = "";

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // not JSON: keep the text
        }
        this.received.push({ method: req.method ?? "", path: req.url ?? "", headers: req.headers, body });
        // As the real services answer: PagerDuty's Events API v2 202 with JSON, a Slack incoming webhook 200 `ok`
        // (text/html), a webhook 200.
        if (req.url?.startsWith("/pagerduty")) {
          res.writeHead(202, { "content-type": "application/json" });
          res.end(JSON.stringify({ status: "success", message: "Event processed", dedup_key: "x" }));
        } else if (req.url?.startsWith("/slack")) {
          res.writeHead(200, { "content-type": "text/html" });
          res.end("ok");
        } else {
          res.writeHead(200);
          res.end();
        }
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, LOOPBACK, resolve));
    this.url = `http://${LOOPBACK}:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}

export interface Mail {
  /** AUTH PLAIN credentials, when the client authenticated. */
  auth?: { user: string; password: string };
  from: string;
  to: string[];
  /** The message as sent (headers and body), dot-unstuffed. */
  data: string;
}

export class SmtpReceiver {
  readonly received: Mail[] = [];
  private server: net.Server | undefined;
  port = 0;

  async start(): Promise<this> {
    this.server = net.createServer((sock) => {
      let buf = "";
      let inData = false;
      let mail: Mail = { from: "", to: [], data: "" };
      let auth: Mail["auth"];
      const reply = (s: string) => sock.write(`${s}\r\n`);
      reply("220 observer-test ESMTP");
      sock.on("data", (chunk: Buffer) => {
        buf += chunk.toString("utf8");
        for (;;) {
          if (inData) {
            const end = buf.indexOf("\r\n.\r\n");
            if (end < 0) return;
            mail.data = buf.slice(0, end).replace(/\r\n\.\./g, "\r\n.");
            buf = buf.slice(end + 5);
            inData = false;
            this.received.push({ ...mail, ...(auth ? { auth } : {}) });
            mail = { from: "", to: [], data: "" };
            reply("250 2.0.0 queued");
            continue;
          }
          const nl = buf.indexOf("\r\n");
          if (nl < 0) return;
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 2);
          const verb = line.split(" ")[0]!.toUpperCase();
          if (verb === "EHLO") reply("250-observer-test\r\n250-8BITMIME\r\n250 AUTH PLAIN");
          else if (verb === "HELO") reply("250 observer-test");
          else if (verb === "AUTH") {
            const [, mech, initial] = line.split(" ");
            if (mech?.toUpperCase() !== "PLAIN" || !initial) reply("504 5.5.4 only AUTH PLAIN with an initial response");
            else {
              const [, user, password] = Buffer.from(initial, "base64").toString("utf8").split("\0");
              auth = { user: user ?? "", password: password ?? "" };
              reply("235 2.7.0 Authentication successful");
            }
          } else if (verb === "MAIL") {
            mail.from = /<([^>]*)>/.exec(line)?.[1] ?? "";
            reply("250 2.1.0 OK");
          } else if (verb === "RCPT") {
            mail.to.push(/<([^>]*)>/.exec(line)?.[1] ?? "");
            reply("250 2.1.5 OK");
          } else if (verb === "DATA") {
            inData = true;
            reply("354 End data with <CR><LF>.<CR><LF>");
          } else if (verb === "RSET") {
            mail = { from: "", to: [], data: "" };
            reply("250 2.0.0 OK");
          } else if (verb === "NOOP") reply("250 2.0.0 OK");
          else if (verb === "QUIT") {
            reply("221 2.0.0 Bye");
            sock.end();
            return;
          } else reply("502 5.5.2 command not implemented");
        }
      });
      sock.on("error", () => undefined);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, LOOPBACK, resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}
