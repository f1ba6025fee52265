// Package orders keeps orders as Casdoor does: the items an order was // want package:`writes order\.items, order\.price`
// placed with are kept in the order's row as JSON, and the order's price is
// their sum. A price summed from the items is the order's own total, not
// the price column read back and changed.
package orders

import (
	"github.com/xorm-io/xorm"
)

// Item is one product of an order, kept in the order's items column.
type Item struct {
	Name  string
	Price float64
}

// Order is a row of the order table.
type Order struct {
	ID       int64  `xorm:"pk autoincr"`
	Items    []Item `xorm:"mediumtext"`
	Price    float64
	Discount float64
}

// Orders holds the engine.
type Orders struct {
	engine *xorm.Engine
}

// setItems keeps the items the order had and totals them.
func (o *Orders) setItems(id int64, order *Order, names []string) error {
	var old Order
	if _, err := o.engine.ID(id).Get(&old); err != nil {
		return err
	}
	kept := make(map[string]Item, len(old.Items))
	for _, it := range old.Items {
		kept[it.Name] = it
	}
	var items []Item
	total := 0.0
	for _, name := range names {
		it, ok := kept[name]
		if !ok {
			it = Item{Name: name}
		}
		total += it.Price
		items = append(items, it)
	}
	order.Items, order.Price = items, total
	_, err := o.engine.ID(id).Cols("items", "price").Update(order)
	return err
}

// discount takes from the price it read: a discount applied at the same
// time is lost.
func (o *Orders) discount(id int64, amount float64) error {
	var ord Order
	if _, err := o.engine.ID(id).Get(&ord); err != nil {
		return err
	}
	ord.Price -= amount
	_, err := o.engine.ID(id).Cols("price").Update(&ord) // want `^lost update: ord.Price is read at orders.go:59`
	return err
}

// total sums the items by index and by value into the price.
func (o *Orders) total(id int64) error {
	var ord Order
	if _, err := o.engine.ID(id).Get(&ord); err != nil {
		return err
	}
	sum := 0.0
	for i := range ord.Items {
		sum += ord.Items[i].Price
	}
	for _, it := range ord.Items {
		sum -= it.Discount()
	}
	ord.Price = sum
	_, err := o.engine.ID(id).Cols("price").Update(&ord)
	return err
}

// Discount is what an item takes off.
func (it Item) Discount() float64 { return it.Price / 10 } // want Discount:`result 0 from param 0.Price \(computed\)`

// raiseAll adds to every order's price in Go: the orders are rows, and
// their fields are columns.
func (o *Orders) raiseAll(amount float64) error {
	var list []Order
	if err := o.engine.Find(&list); err != nil {
		return err
	}
	for _, ord := range list {
		ord.Price += amount
		if _, err := o.engine.ID(ord.ID).Cols("price").Update(&ord); err != nil { // want `^lost update: ord.Price is read at orders.go:92`
			return err
		}
	}
	return nil
}
