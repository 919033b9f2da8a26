// The requests sent from the page, newest first, kept in this browser's localStorage (at most 50):
// a click on one puts its route and inputs back into the editor.
import type { FlowStep } from '../../playground/index';

export interface HistoryEntry {
  at: number;
  step: FlowStep;
  status?: number;
  timeMs?: number;
  passed: boolean;
}

const KEY = 'gati.playground.history';
const MAX = 50;

export function readHistory(): HistoryEntry[] {
  try {
    const value = JSON.parse(localStorage.getItem(KEY) ?? '[]') as unknown;
    return Array.isArray(value) ? (value as HistoryEntry[]) : [];
  } catch {
    return [];
  }
}

export function addHistory(entry: HistoryEntry): HistoryEntry[] {
  const next = [entry, ...readHistory()].slice(0, MAX);
  try {
    localStorage.setItem(KEY, JSON.stringify(next));
  } catch {
    // Storage full or refused: the history is a convenience.
  }
  return next;
}

export function clearHistory(): void {
  localStorage.removeItem(KEY);
}
