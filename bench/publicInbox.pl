#!/usr/bin/perl
# public-inbox, the ranked peer of bench/relevance.sh, through its own Perl API (Debian's public-inbox):
#   publicInbox.pl import <maildir>              every file of <maildir>/cur into the inbox 'bench' of
#                                                $PI_CONFIG (made by public-inbox-init -V2), as
#                                                public-inbox-mda delivers, with its Xapian index
#   publicInbox.pl search <inboxdir>             one query a line on stdin → the Message-IDs of its
#                                                10 best hits by relevance, tab-separated, a line each
use strict;
use warnings;
use PublicInbox::Inbox;
use PublicInbox::Eml;
use PublicInbox::Config;
use PublicInbox::InboxWritable;

my ($command, $dir) = @ARGV;
if ($command eq 'import') {
	# The names are read and the directory closed before the importer starts git: with the
	# directory handle open, git fast-import never saw its input (the import hung at the first message).
	opendir(my $dh, "$dir/cur") or die "$dir/cur: $!";
	my @names = sort grep { !/^\./ } readdir $dh;
	closedir $dh;
	my $ibx = PublicInbox::Config->new->lookup_name('bench') or die "no inbox 'bench' in \$PI_CONFIG";
	my $im = PublicInbox::InboxWritable->new($ibx)->importer(0);
	for my $name (@names) {
		my $raw = do { open(my $fh, '<', "$dir/cur/$name") or die "$name: $!"; local $/; <$fh> };
		$im->add(PublicInbox::Eml->new(\$raw));
	}
	$im->done;
} elsif ($command eq 'search') {
	my $ibx = PublicInbox::Inbox->new({ inboxdir => $dir, name => 'bench', -primary_address => 'bench@example.org' });
	my $srch = $ibx->search or die "no search index in $dir";
	$| = 1;
	while (my $q = <STDIN>) {
		chomp $q;
		my $mset = $srch->mset($q, { relevance => 1, limit => 10 });
		my $msgs = $srch->mset_to_smsg($ibx, $mset);
		print join("\t", map { $_->{mid} } @$msgs), "\n";
	}
} else {
	die "usage: $0 import <maildir> | search <inboxdir>\n";
}
