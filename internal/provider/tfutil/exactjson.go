package tfutil

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// JSONType is a string attribute holding JSON that is compared by
// meaning, exactly: white space, key order and string escapes never make
// a difference, and numbers are equal when their values are (1.0 = 1 =
// 1e0; 12345678901234567890123 is never rounded through a float). So
// what an API echoes in another form never counts as a change, while
// any real change does.
type JSONType struct{ basetypes.StringType }

var _ basetypes.StringTypable = JSONType{}

func (t JSONType) Equal(o attr.Type) bool {
	other, ok := o.(JSONType)
	return ok && t.StringType.Equal(other.StringType)
}

func (t JSONType) String() string { return "tfutil.JSONType" }

func (t JSONType) ValueType(context.Context) attr.Value { return JSONValue{} }

func (t JSONType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return JSONValue{StringValue: in}, nil
}

func (t JSONType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	s, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	return JSONValue{StringValue: s}, nil
}

// JSONValue is a JSONType value.
type JSONValue struct{ basetypes.StringValue }

var _ basetypes.StringValuableWithSemanticEquals = JSONValue{}

// NewJSONNull is a null JSONValue.
func NewJSONNull() JSONValue { return JSONValue{StringValue: basetypes.NewStringNull()} }

// NewJSONValue is a known JSONValue.
func NewJSONValue(s string) JSONValue { return JSONValue{StringValue: basetypes.NewStringValue(s)} }

func (v JSONValue) Type(context.Context) attr.Type { return JSONType{} }

func (v JSONValue) Equal(o attr.Value) bool {
	other, ok := o.(JSONValue)
	return ok && v.StringValue.Equal(other.StringValue)
}

// StringSemanticEquals reports whether both hold the same JSON (SameJSONExactly).
func (v JSONValue) StringSemanticEquals(_ context.Context, nv basetypes.StringValuable) (bool, diag.Diagnostics) {
	other, ok := nv.(JSONValue)
	if !ok {
		return false, nil
	}
	return SameJSONExactly(v.ValueString(), other.ValueString()), nil
}

// SameJSONExactly reports whether a and b are valid JSON with the same
// meaning: the same keys, array elements, strings (after escapes) and
// literals, and numbers of the same exact value.
func SameJSONExactly(a, b string) bool {
	va, errA := decodeExact(a)
	vb, errB := decodeExact(b)
	return errA == nil && errB == nil && sameExact(va, vb)
}

func decodeExact(s string) (any, error) {
	dec := json.NewDecoder(bytes.NewReader([]byte(s)))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("more than one JSON value")
	}
	return v, nil
}

func sameExact(a, b any) bool {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, xv := range x {
			yv, ok := y[k]
			if !ok || !sameExact(xv, yv) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !sameExact(x[i], y[i]) {
				return false
			}
		}
		return true
	case json.Number:
		y, ok := b.(json.Number)
		if !ok {
			return false
		}
		return sameNumber(string(x), string(y))
	default: // string, bool, nil
		return a == b
	}
}

// sameNumber compares two JSON numbers by exact value. A number with an
// exponent beyond ±1000 (which no API body means as written) is
// compared as text, so that no comparison builds a huge number.
func sameNumber(a, b string) bool {
	if a == b {
		return true
	}
	if hugeExponent(a) || hugeExponent(b) {
		return false
	}
	ra, okA := new(big.Rat).SetString(a)
	rb, okB := new(big.Rat).SetString(b)
	return okA && okB && ra.Cmp(rb) == 0
}

func hugeExponent(n string) bool {
	i := strings.IndexAny(n, "eE")
	if i < 0 {
		return false
	}
	e, err := strconv.Atoi(strings.TrimPrefix(n[i+1:], "+"))
	return err != nil || e > 1000 || e < -1000
}
