// Results as tagged unions: callers must look at `ok` before they can reach the value, and the
// error side carries enough for a message that says what is wrong and what to do.

export type Ok<T> = { readonly ok: true; readonly value: T };
export type Err<E> = { readonly ok: false; readonly error: E };
export type Result<T, E = UserFacingError> = Ok<T> | Err<E>;

export const ok = <T>(value: T): Ok<T> => ({ ok: true, value });
export const err = <E>(error: E): Err<E> => ({ ok: false, error });

/** An error meant for a person: what went wrong, and what to do about it. */
export interface UserFacingError {
  readonly message: string;
  readonly remedy?: string;
  /** Extra detail for the output channel (stderr, stack); never shown in a notification. */
  readonly detail?: string;
}

export function describe(e: UserFacingError): string {
  return e.remedy ? `${e.message} ${e.remedy}` : e.message;
}
