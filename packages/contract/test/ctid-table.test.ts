import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CtidTable } from '../src/ctid-table.ts';

describe('CtidTable (the router’s contracts by ctid)', () => {
  it('behaves as a Map of ctids under any sequence of sets and deletes', () => {
    const ctid = fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 2 ** 31 - 1 }));
    const operation = fc.record({ remove: fc.boolean(), ctid, value: fc.nat() });
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 200 }), (operations) => {
        const table = new CtidTable<number>();
        const model = new Map<number, number>();
        for (const { remove, ctid: id, value } of operations) {
          if (remove) expect(table.delete(id)).toBe(model.delete(id));
          else {
            table.set(id, value);
            model.set(id, value);
          }
          expect(table.size).toBe(model.size);
        }
        for (const [id, value] of model) expect(table.get(id)).toBe(value);
        expect([...table.values()].sort((a, b) => a - b)).toEqual([...model.values()].sort((a, b) => a - b));
      }),
    );
  });

  it('frees a page once its last entry is deleted, and clear() empties it', () => {
    const table = new CtidTable<string>();
    table.set(64, 'a');
    table.set(65, 'b');
    table.delete(64);
    expect(table.get(65)).toBe('b');
    table.delete(65);
    expect(table.size).toBe(0);
    expect(table.get(65)).toBeUndefined();
    expect((table as unknown as { pages: Map<number, unknown> }).pages.size).toBe(0);
    table.set(7, 'c');
    table.clear();
    expect([...table.values()]).toEqual([]);
  });
});
