// Maps graph nodes back to the calls that created them (their `file:line` plus the method name)
// and reads the record type there: the shape each stage boundary carries.
import path from 'node:path'
import { ts } from 'ts-morph'
import { CodegenError } from '../errors.js'
import type { InspectedNode, InspectedPipeline } from '../model.js'
import type { PrintedShape, ShapePrinter } from './shape-printer.js'

interface FoundCall {
  readonly call: ts.CallExpression
  readonly method: string
  readonly line: number
}

/** Finds calls by `file:line` and method name; each file is walked once. */
export class CallIndex {
  private readonly files = new Map<string, Map<number, FoundCall[]>>()
  private pipelineDecls: FoundCall[] | undefined

  constructor(
    private readonly program: ts.Program,
    private readonly root: string,
    private readonly projectFiles: readonly ts.SourceFile[],
  ) {}

  /** Calls on `file:line` (relative to the root) named one of `methods`, in evaluation order. */
  callsAt(source: string, methods: readonly string[]): ts.CallExpression[] {
    const match = /^(.*):(\d+)$/.exec(source)
    if (!match?.[1]) return []
    const byLine = this.fileIndex(path.resolve(this.root, match[1]))
    return (byLine?.get(Number(match[2])) ?? []).filter((c) => methods.includes(c.method)).map((c) => c.call)
  }

  /** Every `x.pipeline('name', ...)` call in the project's files. */
  pipelineDeclarations(name: string): { call: ts.CallExpression; source: string }[] {
    this.pipelineDecls ??= this.projectFiles.flatMap((sf) => [...(this.fileIndex(sf.fileName)?.values() ?? [])].flat())
    return this.pipelineDecls
      .filter((c) => {
        const first = c.call.arguments[0]
        return c.method === 'pipeline' && first !== undefined && ts.isStringLiteralLike(first) && first.text === name
      })
      .map((c) => ({ call: c.call, source: `${relative(this.root, c.call.getSourceFile().fileName)}:${c.line}` }))
  }

  private fileIndex(file: string): Map<number, FoundCall[]> | undefined {
    const cached = this.files.get(file)
    if (cached) return cached
    const sf = this.program.getSourceFile(file)
    if (!sf) return undefined
    const byLine = new Map<number, FoundCall[]>()
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node)) {
        const callee = node.expression
        const nameNode = ts.isPropertyAccessExpression(callee) ? callee.name : ts.isIdentifier(callee) ? callee : undefined
        if (nameNode) {
          const line = sf.getLineAndCharacterOfPosition(nameNode.getStart(sf)).line + 1
          const list = byLine.get(line) ?? []
          list.push({ call: node, method: nameNode.text, line })
          byLine.set(line, list)
        }
      }
      ts.forEachChild(node, visit)
    }
    visit(sf)
    // A call runs after its receiver and arguments: the order calls end in is the order they ran.
    for (const list of byLine.values()) list.sort((a, b) => a.call.end - b.call.end)
    this.files.set(file, byLine)
    return byLine
  }
}

/** The builder methods that create a node of this kind (hop and join come from the same call). */
function methodsOf(node: InspectedNode): readonly string[] {
  const d = node.details
  switch (node.kind) {
    case 'func':
      return [`${d.mode}${d.component === 'flow' ? 'Flow' : d.fanOut ? 'FanOut' : 'Func'}`]
    case 'consumer':
      return ['subscribeConsumer']
    case 'hop':
    case 'join':
      return ['subscribePipeline', 'applyPipeline']
    default:
      return [node.kind]
  }
}

export interface PipelineTypes {
  /** `file:line` of the `app.pipeline(...)` declaration. */
  readonly declaration: string | null
  /** The printed shape of each requested node's record. */
  readonly shapes: ReadonlyMap<string, PrintedShape>
}

/** Reads the record shape of the nodes `wanted` (node ids) of one pipeline. */
export function pipelineTypes(
  pipeline: InspectedPipeline,
  appModule: string,
  wanted: ReadonlySet<string>,
  index: CallIndex,
  checker: ts.TypeChecker,
  printer: ShapePrinter,
): PipelineTypes {
  const declaration = findDeclaration(pipeline, appModule, index)
  const shapes = new Map<string, PrintedShape>()
  const seen = new Map<string, number>()
  for (const node of pipeline.nodes) {
    const key = `${node.kind === 'hop' ? 'hop' : 'call'}|${node.source}|${methodsOf(node).join(',')}`
    const occurrence = seen.get(key) ?? 0
    seen.set(key, occurrence + 1)
    if (!wanted.has(node.id)) continue
    let type: ts.Type | undefined
    if (node.kind === 'input') {
      type = declaration ? inputType(declaration.call, checker) : undefined
    } else if (node.source) {
      const calls = index.callsAt(node.source, methodsOf(node))
      // A sub-pipeline inlined twice repeats its lines: occurrences wrap around.
      const call = calls[occurrence % Math.max(1, calls.length)]
      if (call) {
        const handle =
          node.kind === 'hop' && ts.isPropertyAccessExpression(call.expression) ? call.expression.expression : (call as ts.Expression)
        type = shapeOfHandle(checker.getTypeAtLocation(handle), checker)
      }
    }
    if (!type) {
      throw new CodegenError(
        'SHAPE',
        `${node.source ?? declaration?.source ?? pipeline.name}: pipeline '${pipeline.app}.${pipeline.name}': cannot find the call that creates node '${node.id}' (${node.kind}) to read its record type`,
        node.source,
      )
    }
    shapes.set(node.id, { text: printer.print(type), members: printer.members(type) ?? null })
  }
  return { declaration: declaration?.source ?? null, shapes }
}

function findDeclaration(pipeline: InspectedPipeline, appModule: string, index: CallIndex) {
  const candidates = index.pipelineDeclarations(pipeline.name)
  if (candidates.length <= 1) return candidates[0]
  // Several apps declare this name: prefer one whose nodes live in the same file, then the app's module.
  const nodeFiles = new Set(pipeline.nodes.map((n) => n.source?.replace(/:\d+$/, '')))
  return (
    candidates.find((c) => nodeFiles.has(c.source.replace(/:\d+$/, '')) && receiverAppName(c.call) === pipeline.app) ??
    candidates.find((c) => receiverAppName(c.call) === pipeline.app) ??
    candidates.find((c) => c.source.startsWith(`${appModule}:`)) ??
    candidates[0]
  )
}

/** `app.pipeline(...)` where `const app = new App('name')`: the literal app name, if that simple. */
function receiverAppName(call: ts.CallExpression): string | undefined {
  if (!ts.isPropertyAccessExpression(call.expression) || !ts.isIdentifier(call.expression.expression)) return undefined
  const name = call.expression.expression.text
  let found: string | undefined
  const visit = (node: ts.Node): void => {
    if (found) return
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.name.text === name && node.initializer) {
      const init = node.initializer
      if (ts.isNewExpression(init) && init.arguments?.[0] && ts.isStringLiteralLike(init.arguments[0])) found = init.arguments[0].text
    }
    ts.forEachChild(node, visit)
  }
  visit(call.getSourceFile())
  return found
}

/** `Pipeline<In, Out, C>` -> In. */
function inputType(call: ts.CallExpression, checker: ts.TypeChecker): ts.Type | undefined {
  const pipelineType = checker.getTypeAtLocation(call)
  const input = pipelineType.getProperty('input')
  if (!input) return undefined
  const schema = checker.getTypeOfSymbol(input)
  const parse = schema.getProperty('safeParse')
  if (!parse) return undefined
  // InputSchema<T>.safeParse returns { success: true; data: T } | ...: read T from the success branch.
  const result = checker.getTypeOfSymbol(parse).getCallSignatures()[0]?.getReturnType()
  for (const branch of result?.isUnion() ? result.types : result ? [result] : []) {
    const data = branch.getProperty('data')
    if (data) return checker.getTypeOfSymbol(data)
  }
  return undefined
}

/** DataFrame<S> / DataPoint<K, T> -> S (read from the phantom `[shapeTag]` property). */
function shapeOfHandle(type: ts.Type, checker: ts.TypeChecker): ts.Type | undefined {
  const tag = checker.getPropertiesOfType(type).find((p) => p.getName().startsWith('__@shapeTag'))
  return tag ? checker.getTypeOfSymbol(tag) : undefined
}

const relative = (root: string, file: string): string => path.relative(root, file).split(path.sep).join('/')
