// The keys of each record shape, read from generated/shapes.ts (what `stairs codegen` wrote) with
// the TypeScript parser, so the page can list a stage's input and output keys with their types.
import { existsSync, readFileSync } from 'node:fs'
import type { ShapeMember } from './api-types.js'

/** An interface's members, or an alias's text (`type X = ...`). */
export type ShapeEntry = { readonly members: readonly ShapeMember[] } | { readonly text: string }

/** Every interface and type alias declared in a shapes.ts file, by name; empty when there is no file. */
export async function readShapeMembers(file: string): Promise<ReadonlyMap<string, ShapeEntry>> {
  const shapes = new Map<string, ShapeEntry>()
  if (!existsSync(file)) return shapes
  // The parser is loaded only here (it is large): the admin server reads shapes once at start.
  const { ts } = await import('@ts-morph/common')
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false, ts.ScriptKind.TS)
  for (const statement of source.statements) {
    if (ts.isInterfaceDeclaration(statement)) {
      const members: ShapeMember[] = []
      for (const member of statement.members) {
        if (!ts.isPropertySignature(member)) continue
        members.push({
          name: ts.isIdentifier(member.name) || ts.isStringLiteral(member.name) ? member.name.text : member.name.getText(source),
          type: member.type ? member.type.getText(source) : 'unknown',
          optional: member.questionToken !== undefined,
        })
      }
      shapes.set(statement.name.text, { members })
    } else if (ts.isTypeAliasDeclaration(statement)) {
      shapes.set(statement.name.text, { text: statement.type.getText(source) })
    }
  }
  return shapes
}
