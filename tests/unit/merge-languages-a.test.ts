import { beforeAll, describe, expect, it } from 'vitest'
import type { MergeEngine } from '../../src/merge/engine.ts'
import { loadMergeEngine } from '../../src/merge/nodeEngine.ts'

/**
 * For each language of this batch: two functions added apart are both kept, one function edited
 * two ways is a conflict, and one case its syntax makes special. `clean` cases pin the merged text.
 */
interface Case {
  name: string
  path: string
  base: string
  left: string
  right: string
  /** The merged text of a clean merge; absent when the merge must conflict. */
  merged?: string
  /** A clean case the line merge already gets right (additions apart); others need the syntax tree. */
  byLines?: true
}

const lines = (...rows: string[]): string => rows.map((row) => row + '\n').join('')

const CASES: Case[] = [
  // C
  {
    name: 'C: functions added on both sides are both kept',
    path: 'src/math.c',
    base: lines('#include <stdio.h>', '', 'int one(void) {', '    return 1;', '}'),
    left: lines(
      '#include <stdio.h>',
      '',
      'int one(void) {',
      '    return 1;',
      '}',
      '',
      'int two(void) {',
      '    return 2;',
      '}',
    ),
    right: lines(
      '#include <stdio.h>',
      '',
      'int one(void) {',
      '    return 1;',
      '}',
      '',
      'int three(void) {',
      '    return 3;',
      '}',
    ),
    merged: lines(
      '#include <stdio.h>',
      '',
      'int one(void) {',
      '    return 1;',
      '}',
      '',
      'int two(void) {',
      '    return 2;',
      '}',
      '',
      'int three(void) {',
      '    return 3;',
      '}',
    ),
  },
  {
    name: 'C: one function edited two ways conflicts',
    path: 'src/math.c',
    base: lines('int one(void) {', '    return 1;', '}'),
    left: lines('int one(void) {', '    return 10;', '}'),
    right: lines('int one(void) {', '    return 100;', '}'),
  },
  {
    name: 'C: enumerators added on both sides conflict (their order numbers them)',
    path: 'src/color.h',
    base: lines('enum color {', '    RED,', '    GREEN,', '};'),
    left: lines('enum color {', '    RED,', '    GREEN,', '    BLUE,', '};'),
    right: lines('enum color {', '    RED,', '    GREEN,', '    BLACK,', '};'),
  },
  // C++
  {
    name: 'C++: methods added to one class on both sides are both kept',
    path: 'src/stack.cpp',
    base: lines('class Stack {', 'public:', '    int size() const;', '};'),
    left: lines('class Stack {', 'public:', '    int size() const;', '    void push(int v);', '};'),
    right: lines('class Stack {', 'public:', '    int size() const;', '    int pop();', '};'),
    merged: lines(
      'class Stack {',
      'public:',
      '    int size() const;',
      '    void push(int v);',
      '    int pop();',
      '};',
    ),
  },
  {
    name: 'C++: one method edited two ways conflicts',
    path: 'src/stack.cpp',
    base: lines('int Stack::size() const {', '    return n;', '}'),
    left: lines('int Stack::size() const {', '    return n + 1;', '}'),
    right: lines('int Stack::size() const {', '    return n - 1;', '}'),
  },
  {
    name: 'C++: a member added where the other side opened a private section conflicts',
    path: 'src/stack.hpp',
    base: lines('class Stack {', 'public:', '    int n;', '};'),
    left: lines('class Stack {', 'public:', '    int n;', 'private:', '    int cap;', '};'),
    right: lines('class Stack {', 'public:', '    int n;', '    int top;', '};'),
  },
  // C#
  {
    name: 'C#: methods added on both sides are both kept',
    path: 'Shop/Cart.cs',
    base: lines('class Cart', '{', '    int Count() => 0;', '}'),
    left: lines('class Cart', '{', '    int Count() => 0;', '    int Total() => 1;', '}'),
    right: lines('class Cart', '{', '    int Count() => 0;', '    void Clear() { }', '}'),
    merged: lines(
      'class Cart',
      '{',
      '    int Count() => 0;',
      '    int Total() => 1;',
      '    void Clear() { }',
      '}',
    ),
  },
  {
    name: 'C#: one method edited two ways conflicts',
    path: 'Shop/Cart.cs',
    base: lines('class Cart', '{', '    int Count() => 0;', '}'),
    left: lines('class Cart', '{', '    int Count() => 1;', '}'),
    right: lines('class Cart', '{', '    int Count() => 2;', '}'),
  },
  {
    name: 'C#: using directives added on both sides are both kept',
    path: 'Shop/Cart.cs',
    base: lines('using System;', '', 'class Cart { }'),
    left: lines('using System;', 'using System.Linq;', '', 'class Cart { }'),
    right: lines('using System;', 'using System.Text;', '', 'class Cart { }'),
    merged: lines('using System;', 'using System.Linq;', 'using System.Text;', '', 'class Cart { }'),
  },
  // PHP
  {
    name: 'PHP: functions added on both sides are both kept',
    path: 'lib/util.php',
    base: lines('<?php', '', 'function one() { return 1; }'),
    left: lines('<?php', '', 'function one() { return 1; }', '', 'function two() { return 2; }'),
    right: lines('<?php', '', 'function one() { return 1; }', '', 'function three() { return 3; }'),
    merged: lines(
      '<?php',
      '',
      'function one() { return 1; }',
      '',
      'function two() { return 2; }',
      '',
      'function three() { return 3; }',
    ),
  },
  {
    name: 'PHP: one function edited two ways conflicts',
    path: 'lib/util.php',
    base: lines('<?php', '', 'function one() { return 1; }'),
    left: lines('<?php', '', 'function one() { return 10; }'),
    right: lines('<?php', '', 'function one() { return 100; }'),
  },
  {
    name: 'PHP: documented methods added on both sides keep their doc comments',
    path: 'lib/Cart.php',
    base: lines('<?php', 'class Cart', '{', '    public function count() { return 0; }', '}'),
    left: lines(
      '<?php',
      'class Cart',
      '{',
      '    public function count() { return 0; }',
      '    /** The sum. */',
      '    public function total() { return 1; }',
      '}',
    ),
    right: lines(
      '<?php',
      'class Cart',
      '{',
      '    public function count() { return 0; }',
      '    /** Empties it. */',
      '    public function clear() { }',
      '}',
    ),
    merged: lines(
      '<?php',
      'class Cart',
      '{',
      '    public function count() { return 0; }',
      '    /** The sum. */',
      '    public function total() { return 1; }',
      '    /** Empties it. */',
      '    public function clear() { }',
      '}',
    ),
  },
  // Ruby
  {
    name: 'Ruby: methods added to one class on both sides are both kept',
    path: 'lib/cart.rb',
    base: lines('class Cart', '  def count', '    0', '  end', 'end'),
    left: lines('class Cart', '  def count', '    0', '  end', '', '  def total', '    1', '  end', 'end'),
    right: lines('class Cart', '  def count', '    0', '  end', '', '  def clear', '    nil', '  end', 'end'),
    merged: lines(
      'class Cart',
      '  def count',
      '    0',
      '  end',
      '',
      '  def total',
      '    1',
      '  end',
      '',
      '  def clear',
      '    nil',
      '  end',
      'end',
    ),
  },
  {
    name: 'Ruby: one method edited two ways conflicts',
    path: 'lib/cart.rb',
    base: lines('def count', '  0', 'end'),
    left: lines('def count', '  1', 'end'),
    right: lines('def count', '  2', 'end'),
  },
  {
    name: 'Ruby: statements both sides append to a script conflict (a script runs in order)',
    path: 'bin/setup.rb',
    base: lines('require "fileutils"', 'FileUtils.mkdir_p("tmp")'),
    left: lines('require "fileutils"', 'FileUtils.mkdir_p("tmp")', 'FileUtils.rm_rf("tmp/cache")'),
    right: lines('require "fileutils"', 'FileUtils.mkdir_p("tmp")', 'FileUtils.touch("tmp/ready")'),
  },
  // Bash
  {
    name: 'Bash: functions added apart on both sides are both kept',
    byLines: true,
    path: 'scripts/build.sh',
    base: lines('setup() {', '  mkdir -p out', '}', '', 'main() {', '  setup', '}'),
    left: lines(
      'setup() {',
      '  mkdir -p out',
      '}',
      '',
      'clean() {',
      '  rm -rf out',
      '}',
      '',
      'main() {',
      '  setup',
      '}',
    ),
    right: lines(
      'setup() {',
      '  mkdir -p out',
      '}',
      '',
      'main() {',
      '  setup',
      '}',
      '',
      'check() {',
      '  test -d out',
      '}',
    ),
    merged: lines(
      'setup() {',
      '  mkdir -p out',
      '}',
      '',
      'clean() {',
      '  rm -rf out',
      '}',
      '',
      'main() {',
      '  setup',
      '}',
      '',
      'check() {',
      '  test -d out',
      '}',
    ),
  },
  {
    name: 'Bash: one function edited two ways conflicts',
    path: 'scripts/build.sh',
    base: lines('setup() {', '  mkdir -p out', '}'),
    left: lines('setup() {', '  mkdir -p build', '}'),
    right: lines('setup() {', '  mkdir -p dist', '}'),
  },
  {
    name: 'Bash: commands both sides append conflict (a script runs in order)',
    path: 'scripts/build.sh',
    base: lines('set -e', 'make'),
    left: lines('set -e', 'make', 'make test'),
    right: lines('set -e', 'make', 'make install'),
  },
  // Lua
  {
    name: 'Lua: functions added apart on both sides are both kept',
    byLines: true,
    path: 'lua/m.lua',
    base: lines('local M = {}', '', 'function M.one()', '  return 1', 'end', '', 'return M'),
    left: lines(
      'local M = {}',
      '',
      'function M.zero()',
      '  return 0',
      'end',
      '',
      'function M.one()',
      '  return 1',
      'end',
      '',
      'return M',
    ),
    right: lines(
      'local M = {}',
      '',
      'function M.one()',
      '  return 1',
      'end',
      '',
      'function M.two()',
      '  return 2',
      'end',
      '',
      'return M',
    ),
    merged: lines(
      'local M = {}',
      '',
      'function M.zero()',
      '  return 0',
      'end',
      '',
      'function M.one()',
      '  return 1',
      'end',
      '',
      'function M.two()',
      '  return 2',
      'end',
      '',
      'return M',
    ),
  },
  {
    name: 'Lua: one function edited two ways conflicts',
    path: 'lua/m.lua',
    base: lines('function M.one()', '  return 1', 'end'),
    left: lines('function M.one()', '  return 10', 'end'),
    right: lines('function M.one()', '  return 100', 'end'),
  },
  {
    name: 'Lua: named fields added to one table on both sides are both kept',
    path: 'lua/config.lua',
    base: lines('return { name = "x" }'),
    left: lines('return { name = "x", size = 3 }'),
    right: lines('return { name = "x", debug = true }'),
    merged: lines('return { name = "x", size = 3, debug = true }'),
  },
  // Kotlin
  {
    name: 'Kotlin: functions added on both sides are both kept',
    path: 'src/Cart.kt',
    base: lines('class Cart {', '    fun count() = 0', '}'),
    left: lines('class Cart {', '    fun count() = 0', '    fun total() = 1', '}'),
    right: lines('class Cart {', '    fun count() = 0', '    fun clear() {}', '}'),
    merged: lines('class Cart {', '    fun count() = 0', '    fun total() = 1', '    fun clear() {}', '}'),
  },
  {
    name: 'Kotlin: one function edited two ways conflicts',
    path: 'src/Cart.kt',
    base: lines('fun count() = 0'),
    left: lines('fun count() = 1'),
    right: lines('fun count() = 2'),
  },
  {
    name: 'Kotlin: enum entries added on both sides conflict (their order is their ordinal)',
    path: 'src/Color.kt',
    base: lines('enum class Color {', '    RED,', '    GREEN,', '}'),
    left: lines('enum class Color {', '    RED,', '    GREEN,', '    BLUE,', '}'),
    right: lines('enum class Color {', '    RED,', '    GREEN,', '    BLACK,', '}'),
  },
  // Scala
  {
    name: 'Scala: members added to one object on both sides are both kept',
    path: 'src/Cart.scala',
    base: lines('object Cart {', '  def count: Int = 0', '}'),
    left: lines('object Cart {', '  def count: Int = 0', '  def total: Int = 1', '}'),
    right: lines('object Cart {', '  def count: Int = 0', '  val empty = true', '}'),
    merged: lines('object Cart {', '  def count: Int = 0', '  def total: Int = 1', '  val empty = true', '}'),
  },
  {
    name: 'Scala: one method edited two ways conflicts',
    path: 'src/Cart.scala',
    base: lines('object Cart {', '  def count: Int = 0', '}'),
    left: lines('object Cart {', '  def count: Int = 1', '}'),
    right: lines('object Cart {', '  def count: Int = 2', '}'),
  },
  {
    name: 'Scala: imports added on both sides are both kept',
    path: 'src/Cart.scala',
    base: lines('import scala.util.Try', '', 'object Cart'),
    left: lines('import scala.util.Try', 'import scala.util.Success', '', 'object Cart'),
    right: lines('import scala.util.Try', 'import scala.util.Failure', '', 'object Cart'),
    merged: lines(
      'import scala.util.Try',
      'import scala.util.Success',
      'import scala.util.Failure',
      '',
      'object Cart',
    ),
  },
  // Dart
  {
    name: 'Dart: methods added on both sides are both kept, each signature with its body',
    path: 'lib/cart.dart',
    base: lines('class Cart {', '  int count() => 0;', '}'),
    left: lines('class Cart {', '  int count() => 0;', '  int total() {', '    return 1;', '  }', '}'),
    right: lines('class Cart {', '  int count() => 0;', '  void clear() => items.clear();', '}'),
    merged: lines(
      'class Cart {',
      '  int count() => 0;',
      '  int total() {',
      '    return 1;',
      '  }',
      '  void clear() => items.clear();',
      '}',
    ),
  },
  {
    name: 'Dart: one method edited two ways conflicts',
    path: 'lib/cart.dart',
    base: lines('class Cart {', '  int count() => 0;', '}'),
    left: lines('class Cart {', '  int count() => 1;', '}'),
    right: lines('class Cart {', '  int count() => 2;', '}'),
  },
  {
    name: 'Dart: a method moved on one side and edited on the other keeps its signature and body together',
    path: 'lib/cart.dart',
    base: lines('class Cart {', '  int a() => 1;', '  int b() => 2;', '}'),
    left: lines('class Cart {', '  int b() => 2;', '  int a() => 1;', '}'),
    right: lines('class Cart {', '  int a() => 1;', '  int b() => 20;', '}'),
    merged: lines('class Cart {', '  int b() => 20;', '  int a() => 1;', '}'),
  },
  {
    name: 'Dart: methods with the same body edited apart, each keeps its own edit',
    path: 'lib/cart.dart',
    base: lines('class Cart {', '  int a() => 0;', '  int b() => 0;', '  int c() => 0;', '}'),
    left: lines(
      'class Cart {',
      '  int a() => 1;',
      '  int b() => 0;',
      '  int c() => 0;',
      '  int d() => 0;',
      '}',
    ),
    right: lines(
      'class Cart {',
      '  int e() => 0;',
      '  int a() => 0;',
      '  int b() => 0;',
      '  int c() => 3;',
      '}',
    ),
    merged: lines(
      'class Cart {',
      '  int e() => 0;',
      '  int a() => 1;',
      '  int b() => 0;',
      '  int c() => 3;',
      '  int d() => 0;',
      '}',
    ),
  },
]

let engine: MergeEngine

beforeAll(async () => {
  engine = await loadMergeEngine()
})

describe('merging C, C++, C#, PHP, Ruby, Bash, Lua, Kotlin, Scala and Dart', () => {
  it.each(CASES)('$name', async ({ path, base, left, right, merged, byLines }) => {
    const result = await engine.mergeAsync({ path, base, left, right })
    if (merged === undefined) {
      expect(result.clean).toBe(false)
      // Both sides' versions are shown, neither dropped.
      expect(result.text).toContain('<<<<<<<')
    } else {
      expect(result.text).toBe(merged)
      expect(result.clean).toBe(true)
      // The line merge sees these as conflicts: only the grammar's profile keeps both.
      if (!byLines) expect(result.method).toBe('structured')
    }
  })
})
