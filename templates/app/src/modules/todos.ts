// gctx.modules.todos: every exported function except init/close becomes a method.
// The list lives in memory to keep the example small; back it with a database in a real app.
import type { GlobalContext } from 'gati';

export interface Todo {
  id: string;
  title: string;
  done: boolean;
  createdAt: Date;
}

const todos = new Map<string, Todo>();
let sequence = 0;

/** Runs once before the server listens. */
export async function init(gctx: GlobalContext): Promise<void> {
  gctx.log.info('todos module ready');
}

export async function add(title: string, done = false): Promise<Todo> {
  sequence += 1;
  const todo: Todo = { id: `todo_${sequence}`, title, done, createdAt: new Date() };
  todos.set(todo.id, todo);
  return todo;
}

export async function list(): Promise<Todo[]> {
  return [...todos.values()];
}

/** Runs at shutdown. */
export async function close(): Promise<void> {
  todos.clear();
}
