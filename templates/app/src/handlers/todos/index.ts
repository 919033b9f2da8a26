// GET /todos?done=true: query values arrive as strings and are converted to the declared types.
import type { Handler } from 'gati';
import type { Todo } from '../../modules/todos.js';

export const handler: Handler<{ query: { done?: boolean } }, { 200: { items: Todo[] } }> = async (req, res, gctx) => {
  const all = await gctx.modules.todos.list();
  const items = req.query.done === undefined ? all : all.filter((todo) => todo.done === req.query.done);
  return { items };
};
