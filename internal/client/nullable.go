package client

import "encoding/json"

// The PATCH convention of this client: every field of an update body
// (ServiceCollectionUpdate, ServiceAliasUpdate, ChainUpdate,
// ChainStepUpdate, BroadcastUpdate, RecurrentRequestUpdate, and the
// optional fields of the SecretUpdate PUT) is a Nullable tagged
// `omitzero`, as the API spec declares each of them nullable. A field
// left at its zero value is absent from the body and the server leaves
// it unchanged; NullOf sends null, which clears the fields that can be
// cleared (descriptions, names, routing keys, a step's timeout, ...);
// NullableOf sends a value.

// Nullable is a PATCH body field with three states: the zero value is
// left out of the body (tag the field `omitzero`), NullOf sends JSON null
// (clearing the field), NullableOf sends a value.
type Nullable[T any] struct {
	set   bool
	value *T
}

// NullableOf returns a field that sends v.
func NullableOf[T any](v T) Nullable[T] { return Nullable[T]{set: true, value: &v} }

// NullOf returns a field that sends null.
func NullOf[T any]() Nullable[T] { return Nullable[T]{set: true} }

// NullableFrom returns a field that sends *p, or null when p is nil: the
// form for a full update of an optional value.
func NullableFrom[T any](p *T) Nullable[T] { return Nullable[T]{set: true, value: p} }

// NullableOrUnset returns a field that sends *p, or is left out of the
// body when p is nil: the form for a value sent only when there is one.
func NullableOrUnset[T any](p *T) Nullable[T] {
	if p == nil {
		return Nullable[T]{}
	}
	return NullableOf(*p)
}

// IsZero reports an unset field (omitted by `omitzero`).
func (n Nullable[T]) IsZero() bool { return !n.set }

// MarshalJSON writes the value or null.
func (n Nullable[T]) MarshalJSON() ([]byte, error) {
	if n.value == nil {
		return []byte("null"), nil
	}
	return json.Marshal(*n.value)
}
