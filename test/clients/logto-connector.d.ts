// The connector ships JavaScript only; this is the part of its interface the tests use.
declare module '@logto/connector-http-email' {
  interface SendMessageData {
    to: string;
    type: string;
    payload: Record<string, unknown>;
    ip?: string;
  }
  interface HttpEmailConnector {
    type: string;
    sendMessage(data: SendMessageData, config?: { endpoint: string; authorization?: string }): Promise<unknown>;
  }
  export default function createHttpEmailConnector(options: { getConfig: (id: string) => Promise<unknown> }): Promise<HttpEmailConnector>;
}
