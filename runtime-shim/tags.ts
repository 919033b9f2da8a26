// typia-style constraint tags. Each tag is a phantom optional property with its own key, so that
// `number & tags.Minimum<1> & tags.Maximum<9>` stays a plain number for assignment while the
// compiler reads the constraints off the intersection's members. A tag never exists at runtime.

/** String formats understood by the validators (ajv-formats names). */
export type FormatName =
  | 'email' | 'uuid' | 'uri' | 'url' | 'uri-reference' | 'uri-template' | 'iri' | 'iri-reference'
  | 'hostname' | 'idn-email' | 'idn-hostname' | 'ipv4' | 'ipv6' | 'date-time' | 'date' | 'time'
  | 'duration' | 'byte' | 'binary' | 'password' | 'regex' | 'json-pointer' | 'relative-json-pointer';

/** Numeric storage types: `int32`/`int64`/`uint32`/`uint64` make the number an integer. */
export type NumericTypeName = 'int32' | 'int64' | 'uint32' | 'uint64' | 'float' | 'double';

export type Format<F extends FormatName> = { readonly 'gati:format'?: F };
export type Minimum<N extends number> = { readonly 'gati:minimum'?: N };
export type Maximum<N extends number> = { readonly 'gati:maximum'?: N };
export type ExclusiveMinimum<N extends number> = { readonly 'gati:exclusiveMinimum'?: N };
export type ExclusiveMaximum<N extends number> = { readonly 'gati:exclusiveMaximum'?: N };
export type MultipleOf<N extends number> = { readonly 'gati:multipleOf'?: N };
export type MinLength<N extends number> = { readonly 'gati:minLength'?: N };
export type MaxLength<N extends number> = { readonly 'gati:maxLength'?: N };
export type Pattern<P extends string> = { readonly 'gati:pattern'?: P };
export type MinItems<N extends number> = { readonly 'gati:minItems'?: N };
export type MaxItems<N extends number> = { readonly 'gati:maxItems'?: N };
export type UniqueItems = { readonly 'gati:uniqueItems'?: true };
export type Type<T extends NumericTypeName> = { readonly 'gati:type'?: T };
export type Default<V extends string | number | boolean | null> = { readonly 'gati:default'?: V };
