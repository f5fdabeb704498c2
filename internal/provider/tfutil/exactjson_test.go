package tfutil

import (
	"context"
	"testing"
)

func TestSameJSONExactly(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		same bool
	}{
		{`{"temperature": 1.0}`, `{"temperature":1}`, true},
		{`{"n": 1e2}`, `{"n": 100}`, true},
		{`{"n": 1E+2}`, `{"n": 100.000}`, true},
		{`{"n": 0.1}`, `{"n": 1e-1}`, true},
		{`{"n": -0.0}`, `{"n": 0}`, true},
		{`{"big": 12345678901234567890123}`, `{"big": 1.2345678901234567890123e22}`, true},
		{`{"big": 12345678901234567890123}`, `{"big": 12345678901234567890124}`, false},
		{`{"big": 12345678901234567890123}`, `{"big": 1.2345678901234568e+22}`, false},
		{`{"u": "caf\u00e9"}`, `{"u": "café"}`, true},
		{`{"u": "\ud83d\ude00"}`, `{"u": "😀"}`, true},
		{`{"b": 1, "a": [1, {"y": 2, "x": 1}]}`, `{"a":[1,{"x":1,"y":2}],"b":1}`, true},
		{`{"a": [1, 2]}`, `{"a": [2, 1]}`, false},
		{`{"a": 1}`, `{"a": "1"}`, false},
		{`{"a": null}`, `{}`, false},
		{`{"a": true}`, `{"a": true}`, true},
		{`{"n": 1e1000000000}`, `{"n": 1e1000000000}`, true},
		{`{"n": 1e1000000000}`, `{"n": 10e999999999}`, false}, // huge exponents compare as text
		{`{"a": 1}`, `{"a": 1`, false},
		{`{"a": 1} {}`, `{"a": 1}`, false},
	} {
		if got := SameJSONExactly(tc.a, tc.b); got != tc.same {
			t.Errorf("SameJSONExactly(%s, %s) = %v, want %v", tc.a, tc.b, got, tc.same)
		}
	}
	eq, diags := NewJSONValue(`{"t": 1.0}`).StringSemanticEquals(context.Background(), NewJSONValue(`{"t":1}`))
	if !eq || diags.HasError() {
		t.Errorf("semantic equality of 1.0 and 1: %v %v", eq, diags)
	}
}
