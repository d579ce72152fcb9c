/**
 * What the merge needs to know about a language, declared rather than coded: which containers may
 * be reordered, and how to name the declarations inside them.
 */
export interface LanguageProfile {
  /**
   * Containers whose elements (named children) are order-insensitive, so insertions on both sides
   * are both kept. `kind` or `parent>kind` to restrict a kind to one parent (Python class bodies).
   */
  commutative: string[]
  /** Binary operators that nest to make a list (`a | b | c`), read as one list of operands. */
  chains?: string[]
  /** Element kinds that belong to the element after them (attributes, decorators). */
  attachedToNext?: string[]
  /**
   * Containers that are order-insensitive only while their elements have signatures (keyed struct
   * literals, keyword arguments), after unnamed elements all versions start with alike.
   */
  commutativeWhenKeyed?: string[]
  /**
   * Lists that are sets of plain values at one place only, by a file format's schema rather than
   * their syntax: named by the labels of the merged nodes enclosing them from the root
   * (`table build-system`, `pair requires`), `*` for any one label. A value is only ever equal to
   * itself there: an element is never taken for an edit of another.
   */
  valueSets?: { kind: string; path: string[] }[]
  /**
   * Per element kind, the parts that name it, so a declaration is recognised after it moved or was
   * edited. Each part is a path of field names or child kinds separated by `.`; `*` stands for
   * every named child (a parameter list's types); `#0` for the first named child; `#text` for the
   * node itself; `=word` is a constant, to make alternatives collide (`public` and `private`).
   */
  signatures: Record<string, string[]>
  /**
   * Per container kind, what goes between two elements when no version of it has two elements to
   * show (`implements Foo` and `implements Bar` merged: `, `). Otherwise a space.
   */
  separators?: Record<string, string>
  /**
   * The grammar reads a trailing `,` before a closing bracket as an error though the files allow
   * it (JSON's grammar; tsconfig.json and VS Code settings are JSONC): read it as a separator.
   */
  lenientTrailingCommas?: boolean
  /**
   * Elements people keep sorted inside a container, as `container>element` (`*`: every element
   * but comments): Go imports, package.json dependencies, a use list. Where base, left and right
   * all keep them sorted, elements both sides added at one place are written in sorted order.
   */
  sorted?: string[]
}

/** Whether a node (under a parent of `parentKind`) is an order-insensitive container. */
export function isCommutative(
  profile: LanguageProfile,
  kind: string,
  parentKind: string | undefined,
): boolean {
  let containers = commutativeSets.get(profile)
  if (!containers) {
    const all = new Set(profile.commutative)
    containers = {
      all,
      underParent: new Set(profile.commutative.flatMap((entry) => entry.split('>').slice(1))),
    }
    commutativeSets.set(profile, containers)
  }
  // Asked for every node of every tree a merge checks: sets, and no string built for most kinds.
  return (
    containers.all.has(kind) ||
    (parentKind !== undefined &&
      containers.underParent.has(kind) &&
      containers.all.has(`${parentKind}>${kind}`))
  )
}

/** Per profile, its order-insensitive containers, and the kinds listed as `parent>kind`. */
const commutativeSets = new WeakMap<LanguageProfile, { all: Set<string>; underParent: Set<string> }>()

/** Whether a node inside merged nodes labelled `path` is one of the profile's value sets. */
export function isValueSet(profile: LanguageProfile, kind: string, path: readonly string[]): boolean {
  return (profile.valueSets ?? []).some(
    (place) =>
      place.kind === kind &&
      place.path.length === path.length &&
      place.path.every((label, i) => label === '*' || label === path[i]),
  )
}

/** The element kinds a profile keeps sorted in a container (`*`: all), or undefined for none. */
export function sortedElementKinds(
  profile: LanguageProfile,
  container: string,
): ReadonlySet<string> | '*' | undefined {
  let byContainer = sortedKinds.get(profile)
  if (!byContainer) {
    byContainer = new Map()
    for (const entry of profile.sorted ?? []) {
      const [parent, kind] = entry.split('>')
      const kinds = byContainer.get(parent)
      if (kind === '*' || kinds === '*') byContainer.set(parent, '*')
      else byContainer.set(parent, new Set([...(kinds ?? []), kind]))
    }
    sortedKinds.set(profile, byContainer)
  }
  return byContainer.get(container)
}

const sortedKinds = new WeakMap<LanguageProfile, Map<string, ReadonlySet<string> | '*'>>()
