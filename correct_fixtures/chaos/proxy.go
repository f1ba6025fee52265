package chaos

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
)

// Proxy is a loopback TCP proxy whose Kill drops every connection passing through it.
// It brings chaos to a server that has no command to drop a client's connection
// (Memcached): the run connects to Proxy.Addr instead of the server. It implements
// Monkey.
type Proxy struct {
	l      net.Listener
	target string

	mu    sync.Mutex
	pairs map[net.Conn]net.Conn // client side → server side
	wg    sync.WaitGroup
}

// NewProxy listens on a free loopback port and forwards each connection to target.
func NewProxy(target string) (*Proxy, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("chaos: proxy for %s: %w", target, err)
	}
	p := &Proxy{l: l, target: target, pairs: map[net.Conn]net.Conn{}}
	p.wg.Go(p.accept)
	return p, nil
}

// Addr is the address clients connect to.
func (p *Proxy) Addr() string { return p.l.Addr().String() }

func (p *Proxy) accept() {
	for {
		client, err := p.l.Accept()
		if err != nil {
			return // closed
		}
		server, err := net.Dial("tcp", p.target)
		if err != nil {
			client.Close()
			continue
		}
		p.mu.Lock()
		p.pairs[client] = server
		p.mu.Unlock()
		p.wg.Go(func() {
			done := make(chan struct{}, 2)
			pipe := func(dst, src net.Conn) {
				_, _ = io.Copy(dst, src)
				done <- struct{}{}
			}
			go pipe(server, client)
			go pipe(client, server)
			<-done
			client.Close()
			server.Close()
			<-done
			p.mu.Lock()
			delete(p.pairs, client)
			p.mu.Unlock()
		})
	}
}

// Kill closes every open connection through the proxy, both sides, and returns how
// many client connections it dropped. New connections are accepted as before.
func (p *Proxy) Kill(context.Context) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for c, s := range p.pairs {
		c.Close()
		s.Close()
	}
	n := len(p.pairs)
	clear(p.pairs)
	return n, nil
}

// Close stops accepting, drops every connection and waits for the copiers to end.
func (p *Proxy) Close() error {
	err := p.l.Close()
	_, _ = p.Kill(context.Background())
	p.wg.Wait()
	if errors.Is(err, net.ErrClosed) {
		return nil
	}
	return err
}
