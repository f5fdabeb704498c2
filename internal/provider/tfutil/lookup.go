package tfutil

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// ResolveIDOrName turns an import ID that is an object's UUID (in any
// case) or its exact name into the UUID, in canonical form. find lists
// the objects of that name visible to the caller; a name held by both a
// personal and a shared object is ambiguous and must be imported by UUID.
// kind names the object type ("chain"); scope tells an object's UUID and
// whether it is shared.
func ResolveIDOrName[T any](ctx context.Context, kind, importID string, find func(ctx context.Context, name string) ([]T, error), scope func(*T) (id string, shared bool)) (string, error) {
	if importID == "" {
		return "", fmt.Errorf("the import ID is empty: expected the %s's UUID or its name", kind)
	}
	if u, err := uuid.Parse(importID); err == nil {
		return u.String(), nil
	}
	matches, err := find(ctx, importID)
	if err != nil {
		return "", fmt.Errorf("listing %ss to find %q: %s", kind, importID, APIErrorDetail(err))
	}
	switch len(matches) {
	case 0:
		return "", fmt.Errorf("no %s named %q is visible to this API key (personal or shared). The import ID is the %s's UUID or its exact name", kind, importID, kind)
	case 1:
		id, _ := scope(&matches[0])
		return id, nil
	}
	ids := make([]string, 0, len(matches))
	for i := range matches {
		id, shared := scope(&matches[i])
		where := "personal"
		if shared {
			where = "shared"
		}
		ids = append(ids, fmt.Sprintf("%s (%s)", id, where))
	}
	return "", fmt.Errorf("more than one %s is named %q: %s. Import the one you mean by its UUID", kind, importID, strings.Join(ids, ", "))
}

// PickInScope chooses among objects of one name the one a data source
// means: in the scope shared asks for (null: either), a personal object
// shadowing a shared one as at the gateway. It returns nil when none fits.
func PickInScope[T any](matches []T, shared types.Bool, isShared func(*T) bool) *T {
	var found *T
	for i := range matches {
		m := &matches[i]
		if !shared.IsNull() && isShared(m) != shared.ValueBool() {
			continue
		}
		if found == nil || (isShared(found) && !isShared(m)) {
			found = m
		}
	}
	return found
}

// ScopeWords names the scope a data source searched, for "not found".
func ScopeWords(shared types.Bool) string {
	switch {
	case shared.IsNull():
		return "personal or shared"
	case shared.ValueBool():
		return "shared"
	}
	return "personal"
}
