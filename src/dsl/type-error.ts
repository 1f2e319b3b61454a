/**
 * A compile-time error that reads as a sentence. It is placed where an argument goes, so the
 * editor underlines the argument and shows the message, instead of a bare `never`.
 */
export interface StairsTypeError<Message extends string> {
  readonly __stairsTypeError: Message
}
