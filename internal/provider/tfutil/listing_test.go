package tfutil_test

import (
	"testing"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

func TestInScope(t *testing.T) {
	for _, tc := range []struct {
		scope  string
		shared bool
		want   bool
	}{
		{"", false, true}, {"", true, true},
		{tfutil.ScopeAll, false, true}, {tfutil.ScopeAll, true, true},
		{tfutil.ScopePersonal, false, true}, {tfutil.ScopePersonal, true, false},
		{tfutil.ScopeShared, false, false}, {tfutil.ScopeShared, true, true},
	} {
		if got := tfutil.InScope(tc.scope, tc.shared); got != tc.want {
			t.Errorf("InScope(%q, shared=%v) = %v, want %v", tc.scope, tc.shared, got, tc.want)
		}
	}
}
