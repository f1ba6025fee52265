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

// Bump moves the group's highest item one number up: the row read is the
// row written, and a concurrent bump is lost.
func Bump(ctx context.Context, client *ent.Client, group int) error { // want Bump:`changes the database`
	highest, err := top(ctx, client, group)
	if err != nil {
		return err
	}
	return client.Item.UpdateOneID(highest.ID).SetAssetID(highest.AssetID + 1).Exec(ctx) // want `^lost update: highest\.AssetID is read at numbering\.go:\d+ \(by numbering\.top, at numbering\.go:\d+\) and written back here outside a locking transaction; .*AddAssetID`
}
