// POST /todos (from the file path: todos/index.post.ts). The body is validated against NewTodo
// before the handler runs; an invalid one gets a 400 application/problem+json answer.
import type { Handler, tags } from 'gati';
import type { Todo } from '../../modules/todos.js';

export interface NewTodo {
  title: string & tags.MinLength<1> & tags.MaxLength<200>;
  /** @default false */
  done?: boolean;
}

export const handler: Handler<{ body: NewTodo }, { 201: Todo }> = async (req, res, gctx) => {
  const todo = await gctx.modules.todos.add(req.body.title, req.body.done);
  await gctx.effects.enqueue('todoCreated', { id: todo.id, title: todo.title });
  res.status = 201;
  res.headers['location'] = `/todos/${todo.id}`;
  return todo;
};
