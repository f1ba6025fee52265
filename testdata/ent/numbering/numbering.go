// Package numbering gives the items of a group asset numbers after the // want package:`writes items\.asset_id`
// highest one: a number read from one row and written, computed, to other
// rows is no lost update of the row read. Two runs can hand out one
// number twice, an allocation race that an atomic AddAssetID would not
// close either; a unique index or a lock on the group does.
package numbering

import (
	"context"

	"example.com/entcases/ent"
	"example.com/entcases/ent/item"
)

// top returns the item with the highest asset number in the group.
func top(ctx context.Context, client *ent.Client, group int) (*ent.Item, error) {
	return client.Item.Query().Where(item.GroupID(group)).Order(ent.Desc(item.FieldAssetID)).First(ctx)
}

// setAssetID numbers one item.
func setAssetID(ctx context.Context, client *ent.Client, id, n int) error {
	return client.Item.UpdateOneID(id).SetAssetID(n).Exec(ctx)
}

// Ensure numbers the group's items that have none, after the highest.
func Ensure(ctx context.Context, client *ent.Client, group int) error { // want Ensure:`changes the database`
	items, err := client.Item.Query().Where(item.GroupID(group), item.AssetID(0)).All(ctx)
	if err != nil {
		return err
	}
	highest, err := top(ctx, client, group)
	if err != nil {
		return err
	}
	next := highest.AssetID
	for _, it := range items {
		next++
		if err := client.Item.UpdateOneID(it.ID).SetAssetID(next).Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}

// EnsureThrough is Ensure through a helper that writes one item by id.
func EnsureThrough(ctx context.Context, client *ent.Client, group int) error { // want EnsureThrough:`changes the database`
	items, err := client.Item.Query().Where(item.GroupID(group), item.AssetID(0)).All(ctx)
	if err != nil {
		return err
	}
	highest, err := top(ctx, client, group)
	if err != nil {
		return err
	}
	for i, it := range items {
		if err := setAssetID(ctx, client, it.ID, highest.AssetID+i+1); err != nil {
			return err
		}
	}
	return nil
}

// number numbers the item given.
func number(ctx context.Context, client *ent.Client, it *ent.Item, n int) error {
	return client.Item.UpdateOneID(it.ID).SetAssetID(n).Exec(ctx)
}

// EnsureRecords is Ensure through a helper given each item.
func EnsureRecords(ctx context.Context, client *ent.Client, group int) error { // want EnsureRecords:`changes the database`
	items, err := client.Item.Query().Where(item.GroupID(group), item.AssetID(0)).All(ctx)
	if err != nil {
		return err
	}
	highest, err := top(ctx, client, group)
	if err != nil {
		return err
	}
	for i, it := range items {
		if err := number(ctx, client, it, highest.AssetID+i+1); err != nil {
			return err
		}
	}
	return nil
}

// ItemUpdate is what an import changes of an item.
type ItemUpdate struct {
	ID      int
	Name    string
	AssetID int
}

// update writes an item's changes, found by the id the update carries.
func update(ctx context.Context, client *ent.Client, u ItemUpdate) error {
	return client.Item.UpdateOneID(u.ID).SetName(u.Name).SetAssetID(u.AssetID).Exec(ctx)
}

// Import numbers an imported item of the group after the highest, on an
// item it creates or on the one of that name it finds, and writes it
// through an update that carries the item's id.
func Import(ctx context.Context, client *ent.Client, group int, name string, create bool) error { // want Import:`writes param 3 to name on param 1 \(pool\)`
	highest, err := top(ctx, client, group)
	if err != nil {
		return err
	}
	next := highest.AssetID + 1
	var it *ent.Item
	if create {
		it, err = client.Item.Create().SetGroupID(group).SetName(name).Save(ctx)
	} else {
		it, err = client.Item.Query().Where(item.GroupID(group), item.Name(name)).Only(ctx)
	}
	if err != nil {
		return err
	}
	return update(ctx, client, ItemUpdate{ID: it.ID, Name: name, AssetID: next})
}

// Bump moves the group's highest item one number up: the row read is the
// row written, and a concurrent bump is lost.
func Bump(ctx context.Context, client *ent.Client, group int) error { // want Bump:`changes the database`
	highest, err := top(ctx, client, group)
	if err != nil {
		return err
	}
	return client.Item.UpdateOneID(highest.ID).SetAssetID(highest.AssetID + 1).Exec(ctx) // want `^lost update: highest\.AssetID is read at numbering\.go:\d+ \(by numbering\.top, at numbering\.go:\d+\) and written back here outside a locking transaction; .*AddAssetID`
}
