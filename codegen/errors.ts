import { StairsError } from '../src/errors.js'

export type CodegenErrorCode = 'PROJECT_LOAD' | 'TYPE_ERRORS' | 'ANONYMOUS_WORKER' | 'SHAPE' | 'NAME_CLASH'

/**
 * A codegen failure: the message starts with the user's `file:line` when one is known.
 * Nothing is written when codegen throws.
 */
export class CodegenError extends StairsError {
  override readonly name = 'CodegenError'
  constructor(
    readonly reason: CodegenErrorCode,
    message: string,
    /** `file:line` (relative to the project root) of the first problem, if known. */
    readonly location: string | null,
  ) {
    super('CONFIG', message)
  }
}
