package collection_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	tfacctest "github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/acctest"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/catalog"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/collection"
)

func TestAccCollectionMember_routingKeyChangeReplaces(t *testing.T) {
	e := acctest.New(t)
	name := tfacctest.RandomWithPrefix("rk")
	gpt := "f9be74cf-42e7-54f2-a600-d7420174d368" // gpt-4o-mini
	var firstMemberID string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             resource.ComposeTestCheckFunc(e.CheckDestroyed("unitysvc_collection_member", memberExists), e.CheckDestroyed("unitysvc_collection", collectionExists)),
		Steps: []resource.TestStep{
			{
				Config: memberConfig(e, t, name, gpt, ""),
				Check: func(s *terraform.State) error {
					var err error
					firstMemberID, err = acctest.Attr(s, gptAddr, "member_id")
					return err
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(gptAddr, tfjsonpath.New("routing_key"), knownvalue.Null()),
					statecheck.ExpectKnownValue(collAddr, tfjsonpath.New("group_type"), knownvalue.StringExact("open")),
				},
			},
			{
				Config: memberConfig(e, t, name, gpt, "fast-gpt"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(gptAddr, plancheck.ResourceActionDestroyBeforeCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(gptAddr, tfjsonpath.New("routing_key"), knownvalue.MapExact(map[string]knownvalue.Check{"model": knownvalue.StringExact("fast-gpt")})),
				},
				Check: func(s *terraform.State) error {
					id, err := acctest.Attr(s, gptAddr, "member_id")
					if err == nil && id == firstMemberID {
						return fmt.Errorf("member %s was not replaced", id)
					}
					return err
				},
			},
			{
				ResourceName: gptAddr, ImportState: true, ImportStateVerify: true,
			},
		},
	})
}

func TestAccCollectionMember_limit(t *testing.T) {
	e := acctest.New(t)
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	g, _ := cat.Group("open-weights")
	var ids []string
	for _, s := range cat.GroupServices(g)[:21] {
		ids = append(ids, s.ID)
	}
	name := tfacctest.RandomWithPrefix("full")
	// config makes the first n services members.
	config := func(n int) string {
		return e.ConfigFile(t, "testdata/collection_members_from_list.tf", map[string]any{"name": name, "services": strings.Join(ids[:n], ",")})
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             e.CheckDestroyed("unitysvc_collection", collectionExists),
		Steps: []resource.TestStep{
			{Config: config(20)},
			{Config: config(21), ExpectError: regexp.MustCompile(`(?s)a collection holds up to 20\s+members`)},
		},
	})
}

func TestAccCollectionMember_needsEnrollment(t *testing.T) {
	e := acctest.New(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      memberConfig(e, t, tfacctest.RandomWithPrefix("byok"), byokService, ""),
			ExpectError: regexp.MustCompile(`(?s)my-provider-llm.*requires an\s+enrollment.*unitysvc_enrollment`),
		}},
	})
}

// A 404 on read means the collectionmember was deleted outside Terraform: it
// leaves state, so the next plan creates it again.
func TestCollectionMemberResource_readNotFoundRemoves(t *testing.T) {
	id, serviceID := "11111111-2222-4333-8444-555555555555", "d175bccd-8530-54b0-bd66-a4f8e6510e25"
	acctest.ExpectReadRemoves(t, collection.NewMemberResource, map[string]any{"id": id + "/" + serviceID, "collection_id": id, "service_id": serviceID}, "GET /v1/groups/"+id+"/members")
}

// A 404 on delete means the collectionmember is gone already: success.
func TestCollectionMemberResource_deleteNotFoundSucceeds(t *testing.T) {
	id, serviceID := "11111111-2222-4333-8444-555555555555", "d175bccd-8530-54b0-bd66-a4f8e6510e25"
	acctest.ExpectDeleteSucceeds(t, collection.NewMemberResource, map[string]any{"id": id + "/" + serviceID, "collection_id": id, "service_id": serviceID}, "DELETE /v1/groups/"+id+"/members/"+serviceID)
}
