import type { Tree, TreeCursor } from 'web-tree-sitter'

/**
 * A cursor over a parsed tree for copying it out node by node, the hottest loop of a merge.
 *
 * web-tree-sitter's `TreeCursor` writes its four-word state into the runtime's transfer buffer
 * before every call and reads it back after every move, through emscripten's generic
 * `setValue`/`getValue`: on a 1,200-line file that is most of the copy's time (a third of a
 * one-file merge process). A copy makes nothing but cursor calls, so the state can stay in the
 * buffer for the whole walk: {@link walkTree} writes it once, calls the runtime's cursor
 * functions directly, and hands it back to the `TreeCursor` when done. It needs the runtime's
 * exports, which {@link useTreeSitterRuntime} is given when tree-sitter starts; without them (or
 * if a later web-tree-sitter renames them) the walk goes through `TreeCursor` as before.
 */
export interface TreeWalker {
  nodeId(): number
  /** The grammar's symbol of the current node, an index into `Language.types`. */
  typeId(): number
  /** The grammar field the current node fills, an index into `Language.fields` (0: none). */
  fieldId(): number
  startIndex(): number
  endIndex(): number
  isNamed(): boolean
  isMissing(): boolean
  gotoFirstChild(): boolean
  gotoNextSibling(): boolean
  gotoParent(): boolean
  /** Releases the cursor; the walker is unusable afterwards. */
  delete(): void
}

/** The exports of web-tree-sitter's emscripten module a direct walk calls (as web-tree-sitter 0.27 names them). */
interface CursorRuntime {
  HEAP32: Int32Array
  _ts_init(): number
  _ts_tree_cursor_current_node_id_wasm(tree: number): number
  _ts_tree_cursor_current_node_type_id_wasm(tree: number): number
  _ts_tree_cursor_current_field_id_wasm(tree: number): number
  _ts_tree_cursor_start_index_wasm(tree: number): number
  _ts_tree_cursor_end_index_wasm(tree: number): number
  _ts_tree_cursor_current_node_is_named_wasm(tree: number): number
  _ts_tree_cursor_current_node_is_missing_wasm(tree: number): number
  _ts_tree_cursor_goto_first_child_wasm(tree: number): number
  _ts_tree_cursor_goto_next_sibling_wasm(tree: number): number
  _ts_tree_cursor_goto_parent_wasm(tree: number): number
}

const RUNTIME_FUNCTIONS = [
  '_ts_init',
  '_ts_tree_cursor_current_node_id_wasm',
  '_ts_tree_cursor_current_node_type_id_wasm',
  '_ts_tree_cursor_current_field_id_wasm',
  '_ts_tree_cursor_start_index_wasm',
  '_ts_tree_cursor_end_index_wasm',
  '_ts_tree_cursor_current_node_is_named_wasm',
  '_ts_tree_cursor_current_node_is_missing_wasm',
  '_ts_tree_cursor_goto_first_child_wasm',
  '_ts_tree_cursor_goto_next_sibling_wasm',
  '_ts_tree_cursor_goto_parent_wasm',
] as const

/** The runtime and its transfer buffer's address in 32-bit words, once tree-sitter has started. */
let direct: { runtime: CursorRuntime; buffer: number } | undefined

/**
 * Takes web-tree-sitter's runtime: the options object given to `Parser.init`, which emscripten
 * fills with the module's exports. Ignored (walks stay on `TreeCursor`) unless every function a
 * walk calls is there.
 */
export function useTreeSitterRuntime(initOptions: object): void {
  const runtime = initOptions as Partial<Record<(typeof RUNTIME_FUNCTIONS)[number], unknown>> & {
    HEAP32?: unknown
  }
  if (!(runtime.HEAP32 instanceof Int32Array)) return
  if (!RUNTIME_FUNCTIONS.every((name) => typeof runtime[name] === 'function')) return
  const complete = runtime as CursorRuntime
  // `ts_init` only reports the transfer buffer's address (and the ABI versions into it).
  direct = { runtime: complete, buffer: complete._ts_init() >> 2 }
}

/** Whether walks call the runtime directly (tree-sitter has started and its exports are as expected). */
export const walksDirectly = (): boolean => direct !== undefined

/** web-tree-sitter's handles: a tree's and a cursor's wasm state, in numbered fields. */
type Handle = Record<number, number>

/**
 * A walker from the root of `tree`. Until it is deleted, no other tree-sitter call may run (not
 * even another walk): a direct walker's state lives in the runtime's one transfer buffer.
 */
export function walkTree(tree: Tree, viaCursor = false): TreeWalker {
  const cursor = tree.walk()
  return direct && !viaCursor ? directWalker(direct, tree, cursor) : cursorWalker(cursor)
}

function directWalker(
  { runtime, buffer }: { runtime: CursorRuntime; buffer: number },
  tree: Tree,
  cursor: TreeCursor,
): TreeWalker {
  const state = cursor as unknown as Handle
  const address = (tree as unknown as Handle)[0]
  // HEAP32 is replaced when the wasm memory grows: read it at each use.
  for (let i = 0; i < 4; i++) runtime.HEAP32[buffer + i] = state[i]
  return {
    nodeId: () => runtime._ts_tree_cursor_current_node_id_wasm(address),
    typeId: () => runtime._ts_tree_cursor_current_node_type_id_wasm(address),
    fieldId: () => runtime._ts_tree_cursor_current_field_id_wasm(address),
    startIndex: () => runtime._ts_tree_cursor_start_index_wasm(address),
    endIndex: () => runtime._ts_tree_cursor_end_index_wasm(address),
    isNamed: () => runtime._ts_tree_cursor_current_node_is_named_wasm(address) === 1,
    isMissing: () => runtime._ts_tree_cursor_current_node_is_missing_wasm(address) === 1,
    gotoFirstChild: () => runtime._ts_tree_cursor_goto_first_child_wasm(address) === 1,
    gotoNextSibling: () => runtime._ts_tree_cursor_goto_next_sibling_wasm(address) === 1,
    gotoParent: () => runtime._ts_tree_cursor_goto_parent_wasm(address) === 1,
    delete() {
      for (let i = 0; i < 4; i++) state[i] = runtime.HEAP32[buffer + i]
      cursor.delete()
    },
  }
}

function cursorWalker(cursor: TreeCursor): TreeWalker {
  return {
    nodeId: () => cursor.nodeId,
    typeId: () => cursor.nodeTypeId,
    fieldId: () => cursor.currentFieldId,
    startIndex: () => cursor.startIndex,
    endIndex: () => cursor.endIndex,
    isNamed: () => cursor.nodeIsNamed,
    isMissing: () => cursor.nodeIsMissing,
    gotoFirstChild: () => cursor.gotoFirstChild(),
    gotoNextSibling: () => cursor.gotoNextSibling(),
    gotoParent: () => cursor.gotoParent(),
    delete: () => cursor.delete(),
  }
}
