/**
 * ARM's error envelope. Every failure the emulator answers is an ArmError serialised as
 * `{"error":{"code","message"}}`, the shape the SDK maps to RestError.code / RestError.message
 * (see ../shared/design/publisher-mechanics.md §3.4).
 */
export class ArmError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ArmError';
  }

  toBody(): { error: { code: string; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}

export const badRequest = (code: string, message: string): ArmError => new ArmError(400, code, message);
export const notFound = (code: string, message: string): ArmError => new ArmError(404, code, message);
export const conflict = (code: string, message: string): ArmError => new ArmError(409, code, message);
