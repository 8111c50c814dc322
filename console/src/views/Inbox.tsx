import { useEffect } from 'preact/hooks';
import { closeTicketView, openTicket } from '../actions.js';
import { useStore } from '../lib/store.js';
import { store } from '../state.js';
import { CustomerSidebar } from './CustomerSidebar.js';
import { QueueList } from './QueueList.js';
import { TicketPane } from './TicketPane.js';

export function Inbox(props: { ticketId?: string }) {
  const open = useStore(store, (s) => s.open);
  useEffect(() => {
    if (props.ticketId) void openTicket(props.ticketId);
    else closeTicketView();
  }, [props.ticketId]);
  const shown = open && open.id === props.ticketId ? open : null;
  return (
    <div class="inbox">
      <QueueList openId={props.ticketId} />
      <TicketPane open={shown} />
      <CustomerSidebar open={shown} />
    </div>
  );
}
