/** What the generated context types are made of: each module's and effect's name and file (the model's, or discovery's). */
export interface ContextParts {
  modules: readonly { name: string; file: string }[];
  effects: readonly { name: string; file: string }[];
}
