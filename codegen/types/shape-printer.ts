// Prints a record type as canonical, self-contained TypeScript text: user types are expanded
// structurally (no imports, no absolute paths), properties and union members are sorted, so the
// text — and the contract hash taken from it — depends only on the shape.
import { ts } from 'ts-morph'

const MAX_DEPTH = 10

/** A printed shape: its one-line text and, for object types, its members. */
export interface PrintedShape {
  readonly text: string
  readonly members: readonly string[] | null
}

export class ShapePrinter {
  constructor(private readonly checker: ts.TypeChecker) {}

  /** The shape of a record type as one line of type text. */
  print(type: ts.Type): string {
    return this.text(type, [], 0)
  }

  /** The members (`a: string`, `b?: number`) when the type prints as an object literal, else undefined. */
  members(type: ts.Type): string[] | undefined {
    if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown) || type.isUnion() || this.checker.isArrayType(type)) return undefined
    if (this.checker.isTupleType(type) || !(type.flags & ts.TypeFlags.Object || type.isIntersection())) return undefined
    if (this.libraryName(type)) return undefined
    return this.objectMembers(type, [type], 0)
  }

  private text(type: ts.Type, stack: ts.Type[], depth: number): string {
    const flags = type.flags
    if (flags & ts.TypeFlags.Any) return 'any'
    if (flags & ts.TypeFlags.Unknown) return 'unknown'
    if (flags & ts.TypeFlags.Never) return 'never'
    if (flags & ts.TypeFlags.Null) return 'null'
    if (flags & ts.TypeFlags.Undefined) return 'undefined'
    if (flags & ts.TypeFlags.Void) return 'void'
    if (flags & ts.TypeFlags.StringLiteral) return JSON.stringify((type as ts.StringLiteralType).value)
    if (flags & ts.TypeFlags.NumberLiteral) return String((type as ts.NumberLiteralType).value)
    if (flags & ts.TypeFlags.BooleanLiteral) return this.checker.typeToString(type)
    if (flags & (ts.TypeFlags.String | ts.TypeFlags.Number | ts.TypeFlags.Boolean | ts.TypeFlags.BigInt | ts.TypeFlags.ESSymbol))
      return this.checker.typeToString(type)
    if (flags & ts.TypeFlags.BigIntLiteral) return this.checker.typeToString(type)
    if (flags & ts.TypeFlags.TemplateLiteral || flags & ts.TypeFlags.EnumLiteral) return this.checker.typeToString(type)
    if (flags & ts.TypeFlags.TypeParameter) return 'unknown'
    if (type.isUnion()) return this.union(type, stack, depth)
    if (stack.includes(type) || depth > MAX_DEPTH) return 'unknown'
    const inner = [...stack, type]
    if (this.checker.isArrayType(type)) {
      const element = this.checker.getTypeArguments(type as ts.TypeReference)[0]
      const readonly = type.getSymbol()?.getName() === 'ReadonlyArray'
      return `${readonly ? 'readonly ' : ''}${wrap(element ? this.text(element, inner, depth + 1) : 'unknown')}[]`
    }
    if (this.checker.isTupleType(type)) {
      const elements = this.checker.getTypeArguments(type as ts.TypeReference).map((t) => this.text(t, inner, depth + 1))
      return `[${elements.join(', ')}]`
    }
    if (flags & ts.TypeFlags.Object || type.isIntersection()) {
      const named = this.libraryName(type)
      if (named) return named
      return this.object(type, inner, depth)
    }
    return this.checker.typeToString(type, undefined, ts.TypeFormatFlags.NoTruncation)
  }

  private union(type: ts.UnionType, stack: ts.Type[], depth: number): string {
    const parts = new Set(type.types.map((t) => this.text(t, stack, depth)))
    if (parts.has('true') && parts.has('false')) {
      parts.delete('true')
      parts.delete('false')
      parts.add('boolean')
    }
    return [...parts].sort(compareMembers).join(' | ')
  }

  /** Types declared in the standard library or a package (Date, Uint8Array...) keep their name. */
  private libraryName(type: ts.Type): string | undefined {
    const declaration = (type.aliasSymbol ?? type.getSymbol())?.declarations?.[0]
    if (!declaration) return undefined
    const file = declaration.getSourceFile()
    if (!file.isDeclarationFile || !/[/\\]node_modules[/\\]/.test(file.fileName)) return undefined
    if (!/[/\\]typescript[/\\]lib[/\\]|[/\\]@types[/\\]node[/\\]/.test(file.fileName)) return undefined
    return this.checker.typeToString(type, undefined, ts.TypeFormatFlags.NoTruncation)
  }

  private object(type: ts.Type, stack: ts.Type[], depth: number): string {
    if (type.getCallSignatures().length > 0) return 'unknown'
    const members = this.objectMembers(type, stack, depth)
    return members.length ? `{ ${members.join('; ')} }` : '{}'
  }

  private objectMembers(type: ts.Type, stack: ts.Type[], depth: number): string[] {
    const members: string[] = []
    for (const info of this.checker.getIndexInfosOfType(type)) {
      members.push(`[key: ${this.checker.typeToString(info.keyType)}]: ${this.text(info.type, stack, depth + 1)}`)
    }
    const properties = this.checker.getPropertiesOfType(type).filter((p) => !p.getName().startsWith('__@'))
    for (const property of [...properties].sort((a, b) => compare(a.getName(), b.getName()))) {
      const optional = (property.flags & ts.SymbolFlags.Optional) !== 0
      let propertyType = this.checker.getTypeOfSymbol(property)
      if (optional) propertyType = this.checker.getNonNullableType(propertyType)
      const value = optional ? withoutUndefined(this.text(propertyType, stack, depth + 1)) : this.text(propertyType, stack, depth + 1)
      members.push(`${propertyKey(property.getName())}${optional ? '?' : ''}: ${value}`)
    }
    return members
  }
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

// null/undefined last, the rest alphabetically: `string | null`, as people write it.
function compareMembers(a: string, b: string): number {
  const rank = (s: string): number => (s === 'null' ? 1 : s === 'undefined' ? 2 : 0)
  return rank(a) - rank(b) || compare(a, b)
}

function withoutUndefined(text: string): string {
  return text === 'undefined' ? 'undefined' : text.replace(/ \| undefined$/, '')
}

// Parenthesizes a union or intersection before `[]` (only when `|`/`&` sit at the top level).
function wrap(text: string): string {
  let depth = 0
  for (const char of text) {
    if ('{[(<'.includes(char)) depth++
    else if ('}])>'.includes(char)) depth--
    else if (depth === 0 && (char === '|' || char === '&')) return `(${text})`
  }
  return text
}

/** A property name as written in a type literal: bare when it is an identifier, else quoted. */
export function propertyKey(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : JSON.stringify(name)
}
